-- Audit keeps an append-only record of every integration event, hash-chained so that a changed or removed row is
-- detectable (docs/adr/0006-audit-hash-chain-and-feed-cursor.md). It reads no other schema: everything it shows
-- is rebuilt from the events it was sent.

-- id is the change-feed position. Rows are appended one at a time under an advisory lock, so ids are assigned and
-- committed in the same order and a reader never sees id N+1 before N. The subscriber takes the id (nextval) under
-- that lock before inserting, because the hash covers it: hence "overriding system value" there.
create table audit.entries (
    id             bigint      generated always as identity primary key,
    -- The outbox message id; unique so a redelivery cannot append twice even past the inbox.
    message_id     uuid        not null unique,
    event_type     text        not null,
    event_version  integer     not null,
    actor_id       uuid,
    project_id     uuid,
    entity_type    text        not null check (entity_type in ('task', 'project', 'member', 'comment', 'user')),
    entity_id      uuid        not null,
    -- Task and comment events name their task, so a task's history includes its comments.
    task_id        uuid,
    task_key       text,
    -- Field name -> {before, after}.
    changes        jsonb,
    payload        jsonb       not null,
    occurred_at    timestamptz not null,
    recorded_at    timestamptz not null,
    trace_id       text,
    -- The previous row's hash (32 zero bytes for the first row) and SHA-256 over this row's canonical content.
    previous_hash  bytea       not null check (length(previous_hash) = 32),
    hash           bytea       not null check (length(hash) = 32)
);

-- Task activity, oldest first: a task's entries (its own and its comments') by id.
create index entries_by_task on audit.entries (task_id, id) where task_id is not null;
-- Resolving a task named by key (ABC-42) to its id and project.
create index entries_by_task_key on audit.entries (task_key) where task_key is not null;
-- Project activity (newest first) and the change feed (ascending id after a cursor).
create index entries_by_project on audit.entries (project_id, id) where project_id is not null;
-- Admin audit filters, each keyset on id: actorId, action (event type), entityType [+ entityId].
create index entries_by_actor on audit.entries (actor_id, id) where actor_id is not null;
create index entries_by_type on audit.entries (event_type, id);
create index entries_by_entity on audit.entries (entity_type, entity_id, id);
-- Admin audit from/to windows.
create index entries_by_occurred_at on audit.entries (occurred_at);

-- Append-only: nothing updates, deletes or truncates audit rows, whoever asks. Disabling this trigger needs the
-- table owner, and what such a person changes the hash chain reveals (GET /api/v1/admin/audit/verify).
create function audit.refuse_change() returns trigger
    language plpgsql as $$
begin
    raise exception 'audit.entries is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end $$;

create trigger entries_append_only
    before update or delete or truncate on audit.entries
    for each statement execute function audit.refuse_change();

-- The relay records each message it hands to the audit subscriber here, in the subscriber's transaction, so a
-- redelivered message is skipped.
create table audit.inbox (
    message_id  uuid        not null,
    consumer    text        not null,
    handled_at  timestamptz not null default now(),
    primary key (message_id, consumer)
);
