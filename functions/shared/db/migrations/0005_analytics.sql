-- Analytics: rollups per period, merchant and currency, folded from every event by the analytics consumer.
-- The consumer appends each event's changes to analytics_pending in its batch transaction (next to its inbox row);
-- right after the batch commits, compaction moves them into the rollups in key order. Updating the rollups in the
-- batch transaction instead would hold a busy merchant's hour and day rows for the whole batch, in whatever order
-- its events came: concurrent batches deadlock (seen with three concurrent pollers: about one deadlock a second).
-- Each minute is also kept at hour and day grain (the consumer writes all three in one statement), so a summary
-- over 30 days reads about 200 rows instead of 43,200. Periods are UTC; an event counts in the period it occurred.

create table analytics_rollups (
  merchant_id          text not null,
  grain                text not null check (grain in ('m', 'h', 'd')),
  period_start         timestamptz not null,
  currency             char(3) not null,
  created_count        bigint not null default 0,
  created_amount       bigint not null default 0,
  -- Counted once per payment, in the minute of its first PaymentApproved.
  approved_count       bigint not null default 0,
  approved_amount      bigint not null default 0,
  failed_count         bigint not null default 0,
  failed_amount        bigint not null default 0,
  -- AnomalyDetected, all actions, then by action.
  anomalies_count      bigint not null default 0,
  review_count         bigint not null default 0,
  held_count           bigint not null default 0,
  declined_count       bigint not null default 0,
  -- ReviewDecided, all decisions, then those that call the payment fraud (reject, fraud).
  reviewed_count       bigint not null default 0,
  reviewed_fraud_count bigint not null default 0,
  refunds_count        bigint not null default 0,
  refunded_amount      bigint not null default 0,
  -- Decision latency (PaymentCreated to the first decision), counted in the minute of the decision.
  latency_count        bigint not null default 0,
  latency_sum_ms       bigint not null default 0,
  primary key (merchant_id, grain, period_start, currency)
);
-- Summaries across merchants (analytics:admin, merchant=*).
create index analytics_rollups_period on analytics_rollups (grain, period_start);

-- The latency histogram, sparse: one row per non-empty bucket (fixed log-scale buckets, functions/analytics/histogram.ts).
create table analytics_latency (
  merchant_id  text not null,
  grain        text not null check (grain in ('m', 'h', 'd')),
  period_start timestamptz not null,
  currency     char(3) not null,
  bucket       smallint not null check (bucket >= 0),
  count        bigint not null default 0,
  primary key (merchant_id, grain, period_start, currency, bucket)
);
create index analytics_latency_period on analytics_latency (grain, period_start);

create table analytics_failure_reasons (
  merchant_id  text not null,
  grain        text not null check (grain in ('m', 'h', 'd')),
  period_start timestamptz not null,
  currency     char(3) not null,
  reason       text not null,
  count        bigint not null default 0,
  primary key (merchant_id, grain, period_start, currency, reason)
);
create index analytics_failure_reasons_period on analytics_failure_reasons (grain, period_start);

-- What analytics knows of each payment, whatever order its events came in, and what it has counted for it: a
-- later-arriving earlier decision moves the approval and the latency to where they belong (minus there, plus here).
create table analytics_payments (
  payment_id          text primary key,
  merchant_id         text not null,
  currency            char(3) not null,
  amount              bigint not null,
  created_at          timestamptz,
  first_approved_at   timestamptz,
  first_decided_at    timestamptz,
  counted_approved_at timestamptz,
  counted_latency_at  timestamptz,
  counted_latency_ms  bigint
);

-- Changes appended by the consumer, waiting for compaction (normally for a few milliseconds: the consumer compacts
-- right after each batch commits, and any batch compacts whatever is pending).
create table analytics_pending (
  id          bigserial primary key,
  merchant_id text not null,
  deltas      jsonb not null
);
