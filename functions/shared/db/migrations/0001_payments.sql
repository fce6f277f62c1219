-- Payments, refunds, the transactional outbox (also each merchant's event feed) and idempotency records.

create table payments (
  id               uuid primary key,
  merchant_id      text not null,
  status           text not null check (status in
                     ('pending', 'approved', 'in_review', 'held', 'failed', 'partially_refunded', 'refunded')),
  amount           bigint not null check (amount > 0),
  currency         char(3) not null,
  amount_refunded  bigint not null default 0,
  customer_id      text not null,
  customer         jsonb not null,
  payment_method   jsonb not null,
  card_fingerprint text not null,
  terminal_id      text not null,
  description      text,
  metadata         jsonb not null default '{}'::jsonb,
  idempotency_key  text,
  version          integer not null default 1,
  created_at       timestamptz not null,
  updated_at       timestamptz not null,
  -- The last line of defence against over-refunding, whatever the application does.
  constraint payments_refund_within_amount check (amount_refunded >= 0 and amount_refunded <= amount),
  -- The last line of defence against double creation under one Idempotency-Key.
  constraint payments_merchant_idempotency_key unique (merchant_id, idempotency_key)
);

create index payments_merchant_created on payments (merchant_id, created_at desc, id desc);
create index payments_merchant_customer_created on payments (merchant_id, customer_id, created_at desc, id desc);
create index payments_merchant_status_created on payments (merchant_id, status, created_at desc, id desc);

create table refunds (
  id              uuid primary key,
  payment_id      uuid not null references payments (id),
  merchant_id     text not null,
  amount          bigint not null check (amount > 0),
  currency        char(3) not null,
  reason          text,
  idempotency_key text,
  created_at      timestamptz not null,
  constraint refunds_merchant_idempotency_key unique (merchant_id, idempotency_key)
);

create index refunds_payment on refunds (payment_id, created_at);

create table outbox (
  seq            bigserial primary key,
  id             uuid not null unique,
  type           text not null,
  merchant_id    text not null,
  payment_id     uuid not null,
  correlation_id text not null,
  occurred_at    timestamptz not null,
  envelope       jsonb not null,
  published_at   timestamptz,
  -- While set and in the future, one publisher owns the row: the writer right after its commit, or a relay run.
  claimed_until  timestamptz,
  attempts       integer not null default 0,
  last_error     text
);

create index outbox_unpublished on outbox (seq) where published_at is null;
create index outbox_merchant_feed on outbox (merchant_id, seq);
create index outbox_payment on outbox (payment_id, seq);

-- Powertools idempotency records (see functions/shared/idempotency).
create table idempotency_records (
  id                     text primary key,
  status                 text not null,
  expires_at             bigint not null,  -- epoch seconds
  in_progress_expires_at bigint,           -- epoch milliseconds
  payload_hash           text,
  response_data          jsonb
);

create index idempotency_records_expires on idempotency_records (expires_at);
