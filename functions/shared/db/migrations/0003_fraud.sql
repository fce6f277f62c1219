-- Fraud detection: the online feature store, the model's assessments, fraud labels and the manual
-- review queue. See functions/fraud.

-- Feature store: one row per (merchant, card) and per (merchant, terminal) per UTC day (the day number of
-- functions/fraud/features/clock.ts). Windows are sums over a range of days; see features/windows.ts.
-- Keys are scoped by merchant: terminal ids are the merchant's own names, and one merchant's traffic must not
-- move another's decisions. Amounts are integer thousandths of a major unit (features/amount.ts).
create table fraud_card_days (
  merchant_id      text not null,
  card_fingerprint text not null,
  day              integer not null,
  tx_count         integer not null default 0 check (tx_count >= 0),
  amount_milli     bigint not null default 0,
  fraud_count      integer not null default 0 check (fraud_count >= 0),
  primary key (merchant_id, card_fingerprint, day)
);

create table fraud_terminal_days (
  merchant_id  text not null,
  terminal_id  text not null,
  day          integer not null,
  tx_count     integer not null default 0 check (tx_count >= 0),
  amount_milli bigint not null default 0,
  fraud_count  integer not null default 0 check (fraud_count >= 0),
  primary key (merchant_id, terminal_id, day)
);

-- Housekeeping deletes buckets no window reads any more (pruneFeatureStore).
create index fraud_card_days_day on fraud_card_days (day);
create index fraud_terminal_days_day on fraud_terminal_days (day);

-- One assessment per payment: what the model saw, what it said and what was done.
create table fraud_assessments (
  payment_id       uuid primary key references payments (id),
  merchant_id      text not null,
  -- The PaymentCreated event that was scored.
  event_id         text not null,
  model_version    text not null,
  probability      double precision not null check (probability >= 0 and probability <= 1),
  score            smallint not null check (score between 0 and 99),
  action           text not null check (action in ('approve', 'review', 'hold', 'decline')),
  -- false when the payment had already left `pending` when it was scored: recorded, not acted on.
  applied          boolean not null,
  thresholds       jsonb not null,
  features         jsonb not null,
  reasons          jsonb not null,
  -- The candidate model's opinion (FRAUD_SHADOW_MODEL), never acted on.
  shadow           jsonb,
  -- Where the payment was counted in the feature store, so that a later label lands in the same buckets.
  card_fingerprint text not null,
  terminal_id      text not null,
  day              integer not null,
  amount_milli     bigint not null,
  assessed_at      timestamptz not null
);

create index fraud_assessments_merchant on fraud_assessments (merchant_id, assessed_at);

-- Labels: a reviewer's decision or a fraud report. `fraud` is sticky: once true it never goes back.
-- A label may arrive before its payment is scored; the scoring then counts it.
create table fraud_labels (
  payment_id  uuid primary key references payments (id),
  merchant_id text not null,
  fraud       boolean not null,
  source      text not null,
  labelled_at timestamptz not null
);

-- The manual review queue: one item per payment placed in review or held.
create table fraud_reviews (
  payment_id  uuid primary key references payments (id),
  merchant_id text not null,
  -- review: the payment went through (in_review); hold: nothing goes through until a reviewer decides.
  kind        text not null check (kind in ('review', 'hold')),
  opened_at   timestamptz not null,
  decision    text check (decision in ('approve', 'reject', 'confirm', 'fraud')),
  reviewer    text,
  note        text,
  decided_at  timestamptz,
  constraint fraud_reviews_decided check ((decision is null) = (decided_at is null) and (decision is null) = (reviewer is null))
);

-- The open queue, oldest first, per merchant.
create index fraud_reviews_open on fraud_reviews (merchant_id, opened_at, payment_id) where decision is null;
