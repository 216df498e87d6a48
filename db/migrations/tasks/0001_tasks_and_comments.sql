-- Tasks owns tasks and their comments. Project and user ids come from the Projects and Identity modules through
-- their contracts; PostgreSQL cannot hold foreign keys across module schemas, so those are checked by the handlers
-- (a project's membership contract vouches for both) while every reference inside this schema is a real key.

-- One row per project that has tasks: the next task number comes from here under a row lock, so numbers are unique
-- and gap-free however many clients create at once (a rolled-back create rolls its number back too).
create table tasks.project_counters (
    project_id   uuid    primary key,
    project_key  text    not null,
    last_number  integer not null default 0
);

create table tasks.tasks (
    id            uuid        primary key,
    project_id    uuid        not null references tasks.project_counters (project_id),
    number        integer     not null,
    key           text        not null unique,
    title         text        not null check (length(title) between 1 and 200),
    description   text        check (length(description) <= 50000),
    status        text        not null check (status in ('backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled')),
    priority      smallint    not null check (priority between 0 and 4),
    assignee_id   uuid,
    labels        text[]      not null default '{}' check (cardinality(labels) <= 20),
    due_date      date,
    parent_id     uuid        references tasks.tasks (id),
    created_by    uuid        not null,
    created_at    timestamptz not null,
    updated_by    uuid        not null,
    updated_at    timestamptz not null,
    completed_at  timestamptz,
    deleted_at    timestamptz,
    deleted_by    uuid,
    version       integer     not null default 1,
    search        tsvector    generated always as (
                      setweight(to_tsvector('english', title), 'A') ||
                      setweight(to_tsvector('english', coalesce(description, '')), 'B')) stored,
    unique (project_id, number),
    check (parent_id <> id)
);

-- One index per list sort, each within a project and over live tasks only, ending in id so the order is total and
-- the keyset predicate "(sort key, id) > (last seen)" is an index range scan whatever the page depth.
create index tasks_by_created  on tasks.tasks (project_id, id) where deleted_at is null;
create index tasks_by_updated  on tasks.tasks (project_id, updated_at, id) where deleted_at is null;
create index tasks_by_priority on tasks.tasks (project_id, priority, id) where deleted_at is null;
create index tasks_by_due_asc  on tasks.tasks (project_id, coalesce(due_date, 'infinity'::date), id) where deleted_at is null;
create index tasks_by_due_desc on tasks.tasks (project_id, coalesce(due_date, '-infinity'::date), id) where deleted_at is null;
-- The trash (deleted=true), newest first by id.
create index tasks_trash on tasks.tasks (project_id, id) where deleted_at is not null;
-- Filters: label containment (labels compare without regard to case) and full-text search.
create function tasks.lowered(labels text[]) returns text[]
    language sql immutable parallel safe
    return array(select lower(l) from unnest(labels) l);

create index tasks_labels on tasks.tasks using gin (tasks.lowered(labels));
create index tasks_search on tasks.tasks using gin (search);
create index tasks_assignee on tasks.tasks (assignee_id) where deleted_at is null;
create index tasks_parent on tasks.tasks (parent_id) where parent_id is not null;

create table tasks.comments (
    id          uuid        primary key,
    task_id     uuid        not null references tasks.tasks (id),
    author_id   uuid        not null,
    body        text        not null check (length(body) between 1 and 20000),
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    deleted_at  timestamptz,
    deleted_by  uuid,
    version     integer     not null default 1
);

-- Serves a task's comment list (keyset on id, oldest first).
create index comments_by_task on tasks.comments (task_id, id) where deleted_at is null;

create table tasks.outbox_messages (
    id            uuid        primary key,
    type          text        not null,
    version       integer     not null,
    payload       jsonb       not null,
    occurred_at   timestamptz not null,
    trace_parent  text,
    processed_at  timestamptz
);

create index outbox_messages_pending on tasks.outbox_messages (occurred_at, id) where processed_at is null;

create table tasks.idempotency_keys (
    user_id       uuid        not null,
    key           text        not null,
    request_hash  bytea       not null,
    created_at    timestamptz not null,
    status_code   integer,
    content_type  text,
    location      text,
    etag          text,
    body          bytea,
    primary key (user_id, key)
);
