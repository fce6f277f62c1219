-- Why a message reached a DLQ: the consumer runtime (functions/shared/consumer/failures.ts) keeps the last failure
-- of each event at each consumer, which `npm run dlq -- peek` shows beside the message (on AWS it reads the same
-- facts from the consumer's log group). No customer data: the error's class and a reason that names none.
create table consumer_failures (
  consumer    text not null,
  event_id    text not null,
  event_type  text not null,
  -- null for an event about the merchant rather than a payment.
  payment_id  text,
  message_id  text not null,
  error_name  text not null,
  reason      text not null,
  attempt     integer not null,
  failed_at   timestamptz not null,
  primary key (consumer, event_id)
);

-- Housekeeping deletes failures older than a DLQ keeps a message.
create index consumer_failures_failed_at on consumer_failures (failed_at);

revoke all on consumer_failures from public;
grant select, insert, update on consumer_failures to rampay_notifications;
