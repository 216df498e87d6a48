-- Owned by src/Shared/Events (applied to every module that declares IModule.PublishesEvents, {{schema}} replaced).
-- processed_at and dead_at say again where a message stands as a whole (src/Shared/Events/OutboxCompletion.cs):
-- processed_at once every consumer that wanted it has handled it, dead_at once no consumer is still working on it but
-- one has given up. The relay set neither between per-consumer delivery (0300) and this script; fill them in for the
-- messages it dispatched meanwhile, so that readers of the two columns (housekeeping, the shared benchmark's drain
-- check, dashboards) see those messages as done rather than pending for ever.
update {{schema}}.outbox_messages m
set processed_at = case when exists (select 1 from {{schema}}.outbox_deliveries d where d.message_id = m.id) then null else m.dispatched_at end,
    dead_at = (select max(d.dead_at) from {{schema}}.outbox_deliveries d where d.message_id = m.id)
where m.dispatched_at is not null and m.processed_at is null and m.dead_at is null
  and not exists (select 1 from {{schema}}.outbox_deliveries d where d.message_id = m.id and d.dead_at is null);
