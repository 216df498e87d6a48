-- Webhooks owns a project's signed webhooks, their deliveries and every attempt. It learns about changes only from
-- integration events, which the outbox relay hands to its consumer ("webhooks"); project ids come from those events, so
-- no foreign key leaves this schema. The tables are those Notifications held until ADR 0012 (same columns, checks,
-- indexes); 0400_move_from_notifications.sql moves their rows here.

create table webhooks.webhooks (
    id             uuid        primary key,
    project_id     uuid        not null,
    url            text        not null check (length(url) between 1 and 2000),
    -- Event types ("task.created", ...) or '*' for all of the project's events.
    events         text[]      not null check (cardinality(events) between 1 and 50),
    -- The signing secret as WebhookSecrets stores it (encrypted with the key it names when Webhooks:SecretEncryptionKeys
    -- is set). The API shows the secret once, in the response that registers the webhook, and never again.
    secret         text        not null,
    created_by     uuid        not null,
    created_at     timestamptz not null,
    -- Set when every attempt has failed for Webhooks:DisableAfter (a day); a disabled webhook gets no deliveries.
    disabled_at    timestamptz,
    -- The first failed attempt since the last success; a success clears it.
    failing_since  timestamptz
);

-- Serves the project's webhook list (keyset on id) and the webhooks consumer's "active webhooks of this project".
create index webhooks_by_project on webhooks.webhooks (project_id, id);

-- One event to one webhook. Created by the webhooks consumer in the relay's transaction, so a change that rolled back
-- never has one; sent by WebhookDispatcher.
create table webhooks.webhook_deliveries (
    id                uuid        primary key,
    webhook_id        uuid        not null references webhooks.webhooks (id) on delete cascade,
    event_id          uuid        not null,
    event_type        text        not null,
    occurred_at       timestamptz not null,
    -- The event's payload, sent as "data".
    payload           jsonb       not null,
    status            text        not null check (status in ('pending', 'succeeded', 'failed')),
    -- Attempts started so far; the dispatcher counts one up when it claims the delivery.
    attempts          integer     not null default 0,
    -- The attempt after which a failure is final (a redelivery allows exactly one more).
    max_attempts      integer     not null check (max_attempts >= 1),
    -- When a pending delivery is due; while an attempt runs, when its claim lapses (a crashed host's claim is retaken).
    next_attempt_at   timestamptz,
    last_status_code  integer,
    last_duration_ms  integer,
    last_error        text,
    created_at        timestamptz not null,
    delivered_at      timestamptz,
    constraint webhook_deliveries_once_per_event unique (webhook_id, event_id),
    constraint webhook_deliveries_due_when_pending check ((status = 'pending') = (next_attempt_at is not null))
);

-- Serves GET /webhooks/{id}/deliveries (newest first: keyset on id descending within the webhook).
create index webhook_deliveries_by_webhook on webhooks.webhook_deliveries (webhook_id, id desc);
-- Serves the dispatcher's claim of due deliveries (oldest due first).
create index webhook_deliveries_due on webhooks.webhook_deliveries (next_attempt_at) where status = 'pending';

-- Every attempt of a delivery, for the delivery log.
create table webhooks.webhook_attempts (
    delivery_id  uuid        not null references webhooks.webhook_deliveries (id) on delete cascade,
    attempt      integer     not null,
    at           timestamptz not null,
    status_code  integer,
    duration_ms  integer     not null,
    error        text,
    primary key (delivery_id, attempt)
);
