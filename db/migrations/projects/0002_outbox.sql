-- Integration events Projects publishes, written in the same transaction as the change that raised them.
-- A relay (host) delivers them to subscribers; until it has, processed_at stays null.
create table projects.outbox_messages (
    id            uuid        primary key,
    type          text        not null,
    version       integer     not null,
    payload       jsonb       not null,
    occurred_at   timestamptz not null,
    trace_parent  text,
    processed_at  timestamptz
);

-- Serves the relay's "oldest unprocessed first" scan.
create index outbox_messages_pending on projects.outbox_messages (occurred_at, id) where processed_at is null;
