-- Delivery bookkeeping for the outbox relay: a sequence giving commit order per aggregate, retry state with
-- backoff, and the dead-letter mark for messages that kept failing (see docs/operations.md, "Dead letters").
alter table tasks.outbox_messages
    add column seq             bigint      generated always as identity,
    add column aggregate_id    uuid,
    add column attempts        integer     not null default 0,
    add column next_attempt_at timestamptz,
    add column last_error      text,
    add column dead_at         timestamptz;

create unique index outbox_messages_seq on tasks.outbox_messages (seq);

-- The relay's scan: pending messages in sequence order.
drop index tasks.outbox_messages_pending;
create index outbox_messages_pending on tasks.outbox_messages (seq) where processed_at is null and dead_at is null;

-- "Is an earlier message of this aggregate still pending?" keeps each aggregate's events in order.
create index outbox_messages_aggregate on tasks.outbox_messages (aggregate_id, seq) where processed_at is null and dead_at is null;

-- Operators list dead letters newest first.
create index outbox_messages_dead on tasks.outbox_messages (dead_at desc) where dead_at is not null;
