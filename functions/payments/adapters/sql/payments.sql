-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- The statements on the hot paths are PL/pgSQL functions: the client runs with prepare: false (RDS Proxy pins a
-- session that holds prepared statements), so an ad-hoc statement is parsed, analysed and planned again on every
-- call, and a wide INSERT sends each column as a parameter the driver serialises by type. A function's statements
-- are planned once per database session and reused; a call is a short statement with a JSON document or two.

-- Inserts a payment (p_payment: its row as a JSON object of column values).
create or replace function insert_payment(p_payment jsonb) returns void
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

-- Inserts a payment and appends its events, atomically.
create or replace function insert_payment_with_events(p_payment jsonb, p_events jsonb, p_writer_lease_seconds integer)
returns void
language plpgsql volatile as $$
begin
  perform insert_payment(p_payment);
  perform append_events(p_events, p_writer_lease_seconds);
end $$;
