-- Sessions that end when they should (issue 11).
--
-- sessions_valid_after: an access token issued (iat) in an earlier second than this is refused. Set by password
-- change, sign out everywhere, an admin-forced reset and disabling. Null: no session has been ended this way.
-- must_change_password: an admin reset the password; sign-in refuses the temporary one until it is replaced.
-- "if not exists": a database that ran the cache branch's interim script (identity/0500, never on main) has it already.
alter table identity.users
    add column if not exists sessions_valid_after timestamptz,
    add column must_change_password boolean not null default false;

-- What a personal access token may do: 'read' (GET and HEAD only) or 'read-write'. Tokens made before scopes existed
-- could do everything, so they keep that; new tokens always name their scope (the API's default is 'read').
alter table identity.personal_access_tokens
    add column scope text not null default 'read-write' check (scope in ('read', 'read-write'));
alter table identity.personal_access_tokens alter column scope drop default;

-- Disabling a user revokes their live tokens; served by this index as refresh tokens are by refresh_tokens_user.
create index personal_access_tokens_live on identity.personal_access_tokens (user_id) where revoked_at is null;
