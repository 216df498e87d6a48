-- The user state that authentication checks on every request is one record: roles, disabled, and the moment before
-- which access tokens no longer count (null = never). Migration 0400 (sessions) adds the same column; this one
-- lets the cached user state read it on its own and does nothing once 0400 has run.
alter table identity.users add column if not exists sessions_valid_after timestamptz;
