-- Projects owns projects and who belongs to them with which role. Nothing here is ever physically deleted except a
-- membership row when a member is removed (the member.removed event keeps the history).
create table projects.projects (
    id           uuid        primary key,
    -- Immutable: it prefixes the project's task keys (ABC-42), so it stays taken even while archived.
    key          text        not null check (key ~ '^[A-Z][A-Z0-9]{1,9}$'),
    name         text        not null check (length(name) between 1 and 200),
    description  text        check (length(description) <= 10000),
    created_by   uuid        not null,
    created_at   timestamptz not null,
    updated_by   uuid        not null,
    updated_at   timestamptz not null,
    -- Archiving is the soft delete: archived projects are read-only and hidden from the default lists.
    archived_at  timestamptz,
    archived_by  uuid,
    version      integer     not null default 1,
    constraint projects_key_unique unique (key),
    constraint projects_archived_together check ((archived_at is null) = (archived_by is null))
);

-- Serves the admin list of archived projects (GET /projects?all=true&archived=true, keyset on id). The admin list
-- of active projects walks the primary key: archived projects are the few rows that filter discards.
create index projects_archived on projects.projects (id) where archived_at is not null;

-- user_id refers to identity's users; no foreign key crosses module schemas.
create table projects.members (
    project_id  uuid        not null references projects.projects (id),
    user_id     uuid        not null,
    role        text        not null check (role in ('viewer', 'member', 'maintainer', 'owner')),
    added_by    uuid        not null,
    added_at    timestamptz not null,
    updated_at  timestamptz not null,
    primary key (project_id, user_id)
);

-- Serves "projects of a user" (GET /projects and GET /projects?archived=true, keyset on project_id within the user).
-- The primary key serves GET /projects/{id}/members (keyset on user_id within the project) and the owner lookups.
create index members_user on projects.members (user_id, project_id);
