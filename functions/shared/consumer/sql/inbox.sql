-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- Records an event in a consumer's inbox (p_entry: consumer, eventId, eventType, paymentId, correlationId,
-- occurredAt). True for its first delivery; false when the row exists (the event was processed already). A
-- concurrent duplicate waits on the first one's uncommitted row and, once that commits, answers false.
create or replace function claim_inbox_entry(p_entry jsonb) returns boolean
language plpgsql volatile as $$
begin
  insert into consumer_inbox (consumer, event_id, event_type, payment_id, correlation_id, occurred_at)
  values (p_entry ->> 'consumer', p_entry ->> 'eventId', p_entry ->> 'eventType', p_entry ->> 'paymentId',
          p_entry ->> 'correlationId', (p_entry ->> 'occurredAt')::timestamptz)
  on conflict (consumer, event_id) do nothing;
  return found;
end $$;
