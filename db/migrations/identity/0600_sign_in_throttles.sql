-- Sign-in throttling (issue 11): failures are counted per account and client source, so that guessing from one
-- address slows that address down and never locks the account for everybody else; a second, account-wide count
-- slows guessing spread over many addresses, except from sources the account has signed in from before.
-- Both are keyed by the email as typed (lower case), not by user id, so an unknown email is throttled exactly like
-- a real one and the answers do not tell which accounts exist. users.failed_sign_ins and users.locked_until, the
-- old per-account lockout, are no longer read.

create table identity.sign_in_throttles (
    email_key        text        not null,
    source           text        not null,  -- client IPv4 address, or IPv6 /64 prefix (Orbit.Shared.Http.ClientSource)
    failures         integer     not null default 0,  -- consecutive failures from this source since its last success
    last_failure_at  timestamptz,
    blocked_until    timestamptz,           -- no attempt from this source for this account before then
    last_success_at  timestamptz,           -- a familiar source: exempt from the account-wide delay for a while
    primary key (email_key, source)
);

create table identity.sign_in_account_throttles (
    email_key          text        primary key,
    window_started_at  timestamptz not null,
    failures           integer     not null,  -- failures from every source since window_started_at
    blocked_until      timestamptz            -- no attempt from an unfamiliar source before then
);

-- The pruner deletes rows nothing will read again: forgotten failures, expired blocks, successes no longer familiar.
create index sign_in_throttles_prunable on identity.sign_in_throttles (greatest(last_failure_at, last_success_at, blocked_until));
create index sign_in_account_throttles_prunable on identity.sign_in_account_throttles (greatest(window_started_at, blocked_until));
