-- Identity owns the people who use Orbit and the credentials they sign in with.
create table identity.users (
    id                uuid        primary key,
    email             text        not null check (length(email) between 3 and 254),
    display_name      text        not null check (length(display_name) between 1 and 100),
    password_hash     text        not null,
    roles             text[]      not null default '{}' check (roles <@ array['admin']::text[]),
    is_disabled       boolean     not null default false,
    failed_sign_ins   integer     not null default 0,
    locked_until      timestamptz,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    version           integer     not null default 1
);

-- Emails are unique regardless of case; sign-in looks users up through this index.
create unique index users_email_unique on identity.users (lower(email));

-- Refresh tokens are stored only as SHA-256 hashes. A family is every token descended from one sign-in:
-- presenting a used token again revokes the whole family.
create table identity.refresh_tokens (
    id          uuid        primary key,
    user_id     uuid        not null references identity.users (id),
    family_id   uuid        not null,
    token_hash  bytea       not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    revoked_at  timestamptz
);

create index refresh_tokens_family on identity.refresh_tokens (family_id);
create index refresh_tokens_user on identity.refresh_tokens (user_id) where revoked_at is null;

-- Personal access tokens for scripts: shown once, stored hashed, revocable, always expiring.
create table identity.personal_access_tokens (
    id          uuid        primary key,
    user_id     uuid        not null references identity.users (id),
    name        text        not null check (length(name) between 1 and 100),
    token_hash  bytea       not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    revoked_at  timestamptz
);

-- Serves "my tokens" (keyset on id within a user).
create index personal_access_tokens_user on identity.personal_access_tokens (user_id, id);
