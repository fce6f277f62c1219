-- The consumers' inbox: one row per (consumer, event) processed, written in the same transaction as the
-- consumer's own effects. A redelivered event finds its row and changes nothing (see functions/shared/consumer).
-- Event ids are kept as text: the envelope allows UUIDv7 or ULID.

create table consumer_inbox (
  consumer       text not null,
  event_id       text not null,
  event_type     text not null,
  payment_id     text not null,
  correlation_id text not null,
  occurred_at    timestamptz not null,
  processed_at   timestamptz not null default now(),
  primary key (consumer, event_id)
);

-- Rows older than the queues' retention can no longer be redelivered; pruneInbox deletes them by this index.
create index consumer_inbox_processed on consumer_inbox (processed_at);
