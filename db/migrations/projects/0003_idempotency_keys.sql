-- Responses to creating POSTs sent with an Idempotency-Key (src/Shared/Http/Idempotency.cs): a row is reserved
-- before the request runs (status_code null) and completed with the response to replay for 24 hours.
create table projects.idempotency_keys (
    user_id       uuid        not null,
    key           text        not null,
    request_hash  bytea       not null,
    created_at    timestamptz not null,
    status_code   integer,
    content_type  text,
    location      text,
    etag          text,
    body          bytea,
    primary key (user_id, key)
);
