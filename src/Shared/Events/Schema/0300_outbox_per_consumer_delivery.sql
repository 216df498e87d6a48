-- Owned by src/Shared/Events (docs/architecture.md, "Events: outbox, relay, inbox"): the migrator applies this template to
-- every module that declares it publishes integration events (IModule.PublishesEvents), with {{schema}} replaced by the
-- module's schema. Every statement is idempotent, so it creates the outbox of a new module and converges the outboxes
-- that modules created with their own scripts before Shared owned the shape, keeping every row.

-- The outbox: written in the transaction of the change that raised the event (Outbox.EnqueueAsync).
create table if not exists {{schema}}.outbox_messages (
    id              uuid        primary key,
    type            text        not null,
    version         integer     not null,
    payload         jsonb       not null,
    occurred_at     timestamptz not null,
    trace_parent    text,
    -- Set by the relay before per-consumer delivery (now only read by housekeeping for rows from that time).
    processed_at    timestamptz,
    seq             bigint      generated always as identity,
    aggregate_id    uuid,
    -- Whole-message retry state of the relay before per-consumer delivery: a message it parked as dead stays dead
    -- until an operator replays it, which hands it to every consumer again (each one's inbox skips what it had).
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    last_error      text,
    dead_at         timestamptz
);

create unique index if not exists outbox_messages_seq on {{schema}}.outbox_messages (seq);
create index if not exists outbox_messages_dead on {{schema}}.outbox_messages (dead_at desc) where dead_at is not null;

-- The transaction that wrote the message: the messages of one change share it. (xmin cannot tell: it moves when the
-- dispatcher marks the row.) Only for people reading the table; nothing in Orbit reads it.
alter table {{schema}}.outbox_messages add column if not exists transaction_id xid8;
alter table {{schema}}.outbox_messages alter column transaction_id set default pg_current_xact_id();

-- When the relay handed the message to its consumers (one outbox_deliveries row per consumer that wants it).
alter table {{schema}}.outbox_messages add column if not exists dispatched_at timestamptz;

-- What the relay before per-consumer delivery had delivered is not handed out again.
update {{schema}}.outbox_messages set dispatched_at = processed_at where processed_at is not null and dispatched_at is null;

-- The dispatcher's scan: messages not yet handed to their consumers, in sequence order.
create index if not exists outbox_messages_undispatched on {{schema}}.outbox_messages (seq) where dispatched_at is null and dead_at is null;

-- The scans of the whole-message relay; nothing reads them any more, and every insert paid for them.
drop index if exists {{schema}}.outbox_messages_pending;
drop index if exists {{schema}}.outbox_messages_aggregate;

-- Per-consumer delivery state: one row per (consumer, message) until that consumer has handled the message (the row
-- is then deleted, in the consumer's transaction, so this table holds only the work left and stays small), or has
-- given up on it (dead_at set: a dead letter of that consumer alone). seq and aggregate_id are copied from the message
-- so that the claim keeps each aggregate's order per consumer without a join.
create table if not exists {{schema}}.outbox_deliveries (
    consumer        text        not null,
    message_id      uuid        not null,
    seq             bigint      not null,
    aggregate_id    uuid,
    attempts        integer     not null default 0,
    next_attempt_at timestamptz,
    last_error      text,
    dead_at         timestamptz,
    primary key (consumer, message_id)
);

-- A consumer's claim: its live deliveries in sequence order.
create index if not exists outbox_deliveries_pending on {{schema}}.outbox_deliveries (consumer, seq) where dead_at is null;
-- "Is an earlier delivery of this aggregate still pending for this consumer?"
create index if not exists outbox_deliveries_aggregate on {{schema}}.outbox_deliveries (consumer, aggregate_id, seq) where dead_at is null;
-- Dead letters, newest first (admin list); housekeeping's "does any delivery of this message remain?".
create index if not exists outbox_deliveries_dead on {{schema}}.outbox_deliveries (dead_at desc, message_id) where dead_at is not null;
create index if not exists outbox_deliveries_message on {{schema}}.outbox_deliveries (message_id);
