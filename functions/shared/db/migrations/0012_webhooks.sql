-- Webhooks (functions/webhooks): merchants' endpoints, and one delivery per (endpoint, event) with its attempts'
-- outcome. Secrets are stored sealed (an envelope: a data key wrapped by KMS, or by the local key file), never in
-- clear.

create table webhook_endpoints (
  id                          uuid primary key,
  merchant_id                 text not null,
  url                         text not null,
  -- The event types the endpoint takes; null: every type.
  events                      text[],
  description                 text,
  status                      text not null default 'enabled' check (status in ('enabled', 'disabled')),
  -- Why it is disabled: by the merchant, or because every delivery failed for the whole retry window.
  disabled_reason             text check (disabled_reason in ('merchant', 'failing')),
  disabled_at                 timestamptz,
  secret_sealed               text not null,
  -- After a rotation the previous secret keeps signing (a second signature) until it expires.
  previous_secret_sealed      text,
  previous_secret_expires_at  timestamptz,
  -- When the endpoint started failing every attempt; cleared by any success.
  failing_since               timestamptz,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now()
);

create index webhook_endpoints_by_merchant on webhook_endpoints (merchant_id, created_at desc, id desc);

create table webhook_deliveries (
  id                  uuid primary key,
  endpoint_id         uuid not null references webhook_endpoints (id) on delete cascade,
  merchant_id         text not null,
  event_id            text not null,
  event_type          text not null,
  -- The exact body sent (and signed) on every attempt: the event envelope as GET /events shows it.
  payload             text not null,
  status              text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts            integer not null default 0,
  -- Attempts since the retry window started: what the backoff grows with.
  window_attempts     integer not null default 0,
  last_status_code    integer,
  last_response_ms    integer,
  -- The start of the response body, truncated; or what went wrong without a response (timeout, refused).
  last_response_body  text,
  last_error          text,
  last_attempt_at     timestamptz,
  -- When a pending delivery is due, and who wakes it: a delayed queue message, or the sweep (long waits).
  next_attempt_at     timestamptz default now(),
  scheduled_via       text not null default 'queue' check (scheduled_via in ('queue', 'sweep')),
  -- The retry window starts here (creation, or a redelivery); its first attempt's time.
  window_started_at   timestamptz not null default now(),
  window_first_attempt_at timestamptz,
  -- An attempt in flight holds the delivery until then (bounds each endpoint's concurrent attempts).
  leased_until        timestamptz,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (endpoint_id, event_id)
);

create index webhook_deliveries_by_endpoint on webhook_deliveries (endpoint_id, created_at desc, id desc);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_in_flight on webhook_deliveries (endpoint_id, leased_until)
  where status = 'pending' and leased_until is not null;
