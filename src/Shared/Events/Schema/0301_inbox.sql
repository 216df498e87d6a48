-- Owned by src/Shared/Events: applied to every module that declares it consumes integration events
-- (IModule.ConsumesEvents), with {{schema}} replaced by the module's schema. The relay records each message a consumer
-- handles here, in the consumer's transaction, so a redelivered message is skipped and never has a second effect.
create table if not exists {{schema}}.inbox (
    message_id  uuid        not null,
    consumer    text        not null,
    handled_at  timestamptz not null default now(),
    primary key (message_id, consumer)
);
