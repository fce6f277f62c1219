-- The statements every POST runs (the idempotency claim and completion, the new payment with its events, the
-- outbox's "published" mark) as PL/pgSQL functions, for two reasons.
--
-- 1. Planning and parameters. The client runs with prepare: false (RDS Proxy pins a session that holds prepared
--    statements), so an ad-hoc statement is parsed, analysed and planned again on every call, and a wide INSERT
--    sends each column as a parameter the driver serialises by type. A function's statements are planned once per
--    database session and reused; a call is a short statement with a JSON document or two.
-- 2. Asynchronous commit of the bookkeeping without pinning. Idempotency records and published marks commit without
--    waiting for the WAL flush (a record or a mark lost in a database crash is harmless: the unique constraints of payments and refunds refuse a second
--    one, and the relay publishes an unmarked event again). set_config(..., true) lasts only until the end of the
--    transaction, so nothing outlives it; but RDS Proxy pins a client session whose SQL text calls set_config, so
--    the call lives here, out of the statement text it inspects.

create function async_commit() returns void
language sql volatile as $$ select set_config('synchronous_commit', 'off', true) $$;

-- Claims an idempotency key for a new operation: inserts the record, or takes over one whose replay window is over
-- or whose in-progress lease ran out. When the key is held, answers the holder's record instead (claimed = false),
-- so a replay is one call; a replay writes nothing, not even a row lock.
create function claim_idempotency_record(
  p_id text,
  p_status text,
  p_expires_at bigint,
  p_in_progress_expires_at bigint,
  p_payload_hash text,
  p_now_seconds bigint,
  p_now_millis bigint
) returns table (
  claimed boolean,
  status text,
  expires_at bigint,
  in_progress_expires_at bigint,
  payload_hash text,
  response_data jsonb
)
language plpgsql volatile as $$
declare
  held idempotency_records;
begin
  perform async_commit();
  loop
    insert into idempotency_records as r (id, status, expires_at, in_progress_expires_at, payload_hash)
    values (p_id, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash)
    on conflict (id) do nothing;
    if found then
      return query select true, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash, null::jsonb;
      return;
    end if;
    -- A new snapshot for each statement: this sees the holder's row even if it committed after the call began.
    select * into held from idempotency_records r where r.id = p_id;
    if not found then
      continue; -- the holder's operation failed and its record was deleted in between: claim again
    end if;
    -- coalesce: an in-progress record without a lease is held until its replay window ends, never taken over.
    if not (held.expires_at < p_now_seconds
            or (held.status = 'INPROGRESS' and coalesce(held.in_progress_expires_at < p_now_millis, false))) then
      return query select false, held.status, held.expires_at, held.in_progress_expires_at, held.payload_hash,
                          held.response_data;
      return;
    end if;
    update idempotency_records r
       set status = p_status, expires_at = p_expires_at, in_progress_expires_at = p_in_progress_expires_at,
           payload_hash = p_payload_hash, response_data = null
     where r.id = p_id
       and (r.expires_at < p_now_seconds or (r.status = 'INPROGRESS' and r.in_progress_expires_at < p_now_millis));
    if found then
      return query select true, p_status, p_expires_at, p_in_progress_expires_at, p_payload_hash, null::jsonb;
      return;
    end if;
    -- Another caller took the expired record over first: look again.
  end loop;
end $$;

-- Marks events published: they leave the publication queue.
create function mark_events_published(p_event_ids uuid[]) returns void
language plpgsql volatile as $$
begin
  perform async_commit();
  delete from outbox_pending where event_id = any(p_event_ids);
end $$;

-- Stores an operation's result, and the "published" marks of the events it published, in one call.
create function complete_idempotency_record(
  p_id text,
  p_status text,
  p_expires_at bigint,
  p_response_data jsonb,
  p_published_event_ids uuid[]
) returns void
language plpgsql volatile as $$
begin
  perform async_commit();
  update idempotency_records
     set status = p_status, expires_at = p_expires_at, response_data = p_response_data
   where id = p_id;
  if cardinality(p_published_event_ids) > 0 then
    perform mark_events_published(p_published_event_ids);
  end if;
end $$;

-- Writes events to the outbox (the append-only log and each merchant's feed), each with its pending-publication
-- row leased to the writer for p_writer_lease_seconds: the writer publishes right after its commit, and only if it
-- has not within the lease does the relay take the event over. p_events: a JSON array of event envelopes
-- (validated by the application against the shared schema).
create function append_events(p_events jsonb, p_writer_lease_seconds integer) returns void
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

-- Inserts a payment (p_payment: its row as a JSON object of column values) and appends its events, atomically.
create function insert_payment(p_payment jsonb) returns void
language plpgsql volatile as $$
begin
  insert into payments (id, merchant_id, status, amount, currency, amount_refunded, customer_id, customer,
                        payment_method, card_fingerprint, terminal_id, description, metadata, idempotency_key,
                        version, created_at, updated_at)
  select id, merchant_id, status, amount, currency, amount_refunded, customer_id, customer,
         payment_method, card_fingerprint, terminal_id, description, metadata, idempotency_key,
         version, created_at, updated_at
    from jsonb_populate_record(null::payments, p_payment);
end $$;

create function insert_payment_with_events(p_payment jsonb, p_events jsonb, p_writer_lease_seconds integer)
returns void
language plpgsql volatile as $$
begin
  perform insert_payment(p_payment);
  perform append_events(p_events, p_writer_lease_seconds);
end $$;
