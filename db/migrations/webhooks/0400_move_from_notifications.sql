-- Moves what Notifications held for webhooks until ADR 0012 into this schema, keeping every id, and drops the old
-- tables. This is the one script that touches another module's schema, and only to take its own data away from it.
--
-- Order: the host migrates modules in OrbitModules order, Notifications before Webhooks, so on an existing database the
-- old tables are there with their rows when this runs, and on a fresh one they are there empty (Notifications' 0001
-- still creates them; it is never edited). It is numbered after Shared's inbox template (0301_inbox.sql), which has
-- created webhooks.inbox by now. One script, one transaction: the rows are either all here and gone from there, or
-- nothing moved. If the old tables are absent (already moved), it does nothing.
--
-- Ids are uuids and attempts are numbered per delivery: there is no sequence or identity value to carry over.
--
-- The "webhooks" consumer keeps its name, so its progress in every publisher's outbox_deliveries (keyed by consumer
-- name, in the publisher's schema) needs no change: what it had not handled yet is still pending for it, and it is now
-- handled with webhooks.inbox. Its handled-message marks move from notifications.inbox to webhooks.inbox, so a
-- replayed message it had handled is still skipped; a delivery row is in any case unique per (webhook, event).

do $move$
begin
    if to_regclass('notifications.webhooks') is null then
        return;
    end if;

    insert into webhooks.webhooks (id, project_id, url, events, secret, created_by, created_at, disabled_at, failing_since)
    select id, project_id, url, events, secret, created_by, created_at, disabled_at, failing_since
    from notifications.webhooks
    on conflict (id) do nothing;

    insert into webhooks.webhook_deliveries
        (id, webhook_id, event_id, event_type, occurred_at, payload, status, attempts, max_attempts, next_attempt_at,
         last_status_code, last_duration_ms, last_error, created_at, delivered_at)
    select id, webhook_id, event_id, event_type, occurred_at, payload, status, attempts, max_attempts, next_attempt_at,
           last_status_code, last_duration_ms, last_error, created_at, delivered_at
    from notifications.webhook_deliveries
    on conflict (id) do nothing;

    insert into webhooks.webhook_attempts (delivery_id, attempt, at, status_code, duration_ms, error)
    select delivery_id, attempt, at, status_code, duration_ms, error
    from notifications.webhook_attempts
    on conflict (delivery_id, attempt) do nothing;

    insert into webhooks.inbox (message_id, consumer, handled_at)
    select message_id, consumer, handled_at
    from notifications.inbox
    where consumer = 'webhooks'
    on conflict (message_id, consumer) do nothing;

    delete from notifications.inbox where consumer = 'webhooks';

    drop table notifications.webhook_attempts;
    drop table notifications.webhook_deliveries;
    drop table notifications.webhooks;
end
$move$;
