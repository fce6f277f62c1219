-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- The statements on the hot paths are PL/pgSQL functions: the client runs with prepare: false (RDS Proxy pins a
-- session that holds prepared statements), so an ad-hoc statement is parsed, analysed and planned again on every
-- call, and a wide INSERT sends each column as a parameter the driver serialises by type. A function's statements
-- are planned once per database session and reused; a call is a short statement with a JSON document or two.

-- Writes events to the outbox (the append-only log and each merchant's feed), each with its pending-publication
-- row leased to the writer for p_writer_lease_seconds: the writer publishes right after its commit, and only if it
-- has not within the lease does the relay take the event over. p_events: a JSON array of event envelopes
-- (validated by the application against the shared schema).
create or replace function append_events(p_events jsonb, p_writer_lease_seconds integer) returns void
language plpgsql volatile as $$
begin
  with new_events as (
    insert into outbox (id, type, merchant_id, payment_id, correlation_id, occurred_at, envelope)
    select (e ->> 'id')::uuid, e ->> 'type', e ->> 'merchantId', (e ->> 'paymentId')::uuid, e ->> 'correlationId',
           (e ->> 'occurredAt')::timestamptz, e
      from jsonb_array_elements(p_events) as e
    returning id)
  insert into outbox_pending (event_id, claimed_until)
  select id, now() + make_interval(secs => p_writer_lease_seconds) from new_events;
end $$;

-- Marks events published: they leave the publication queue.
create or replace function mark_events_published(p_event_ids uuid[]) returns void
language plpgsql volatile as $$
begin
  perform async_commit();
  delete from outbox_pending where event_id = any(p_event_ids);
end $$;
