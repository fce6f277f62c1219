-- The fraud consumer's two statements per payment (the scoring read, and the assessment's writes) as PL/pgSQL
-- functions, for the first reason of 0008: with prepare: false (RDS Proxy) an ad-hoc statement is parsed,
-- analysed and planned on every call, and these two were large (about 1.3 and 0.7 ms of the server's time per
-- payment before they ran). A function's statements are planned once per database session and reused; a call is
-- a short statement with JSON documents. Nothing here relaxes durability: the payment's transition commits as
-- before.

-- Records an event in a consumer's inbox (p_entry: consumer, eventId, eventType, paymentId, correlationId,
-- occurredAt). True for its first delivery; false when the row exists (the event was processed already). A
-- concurrent duplicate waits on the first one's uncommitted row and, once that commits, answers false.
create function claim_inbox_entry(p_entry jsonb) returns boolean
language plpgsql volatile as $$
begin
  insert into consumer_inbox (consumer, event_id, event_type, payment_id, correlation_id, occurred_at)
  values (p_entry ->> 'consumer', p_entry ->> 'eventId', p_entry ->> 'eventType', p_entry ->> 'paymentId',
          p_entry ->> 'correlationId', (p_entry ->> 'occurredAt')::timestamptz)
  on conflict (consumer, event_id) do nothing;
  return found;
end $$;

-- The scoring read: claims the event in the inbox (when p_read has an `inbox` entry; a duplicate locks and reads
-- nothing), locks the payment (p_read: merchantId, paymentId) and sums its card's and terminal's feature-store
-- windows, whose ranges the application computes (functions/fraud/features/windows.ts, adapters/day-split.ts):
--   card:     window k's hour range [from, to]
--   terminal: window k as {hours: [[from, to], ...], days: [from, to] or null}: its edge hours from hour
--             buckets, its whole days from day buckets
-- The sums come back in window order. `payment` is null when the payment does not exist for this merchant. Each
-- range is one small statement on its bucket table's primary key: a plan that cannot go wrong, whatever the
-- ranges (a set-based form over the JSON ranges got a generic plan that scanned every bucket of the merchant).
create function fraud_lock_for_scoring(p_read jsonb) returns table (
  claimed boolean,
  payment payments,
  already_assessed boolean,
  labelled_fraud boolean,
  card_counts bigint[],
  card_amounts bigint[],
  terminal_counts bigint[],
  terminal_frauds bigint[]
)
language plpgsql volatile as $$
declare
  locked payments;
  w jsonb;
  r jsonb;
  range_from integer;
  range_to integer;
  n bigint;
  amount bigint;
  fraud bigint;
  total_n bigint;
  total_fraud bigint;
begin
  if p_read ? 'inbox' and not claim_inbox_entry(p_read -> 'inbox') then
    return query select false, null::payments, false, false, null::bigint[], null::bigint[], null::bigint[],
                        null::bigint[];
    return;
  end if;
  select * into locked from payments p
   where p.id = (p_read ->> 'paymentId')::uuid and p.merchant_id = p_read ->> 'merchantId'
     for update;
  if not found then
    return query select true, null::payments, false, false, null::bigint[], null::bigint[], null::bigint[],
                        null::bigint[];
    return;
  end if;
  card_counts := '{}';
  card_amounts := '{}';
  for r in select value from jsonb_array_elements(p_read -> 'card') loop
    range_from := (r ->> 0)::integer;
    range_to := (r ->> 1)::integer;
    select coalesce(sum(b.tx_count), 0), coalesce(sum(b.amount_milli), 0) into n, amount
      from fraud_card_hours b
     where b.merchant_id = locked.merchant_id and b.card_fingerprint = locked.card_fingerprint
       and b.hour between range_from and range_to;
    card_counts := card_counts || n;
    card_amounts := card_amounts || amount;
  end loop;
  terminal_counts := '{}';
  terminal_frauds := '{}';
  for w in select value from jsonb_array_elements(p_read -> 'terminal') loop
    total_n := 0;
    total_fraud := 0;
    for r in select value from jsonb_array_elements(w -> 'hours') loop
      range_from := (r ->> 0)::integer;
      range_to := (r ->> 1)::integer;
      select coalesce(sum(b.tx_count), 0), coalesce(sum(b.fraud_count), 0) into n, fraud
        from fraud_terminal_hours b
       where b.merchant_id = locked.merchant_id and b.terminal_id = locked.terminal_id
         and b.hour between range_from and range_to;
      total_n := total_n + n;
      total_fraud := total_fraud + fraud;
    end loop;
    if jsonb_typeof(w -> 'days') = 'array' then
      range_from := (w -> 'days' ->> 0)::integer;
      range_to := (w -> 'days' ->> 1)::integer;
      select coalesce(sum(b.tx_count), 0), coalesce(sum(b.fraud_count), 0) into n, fraud
        from fraud_terminal_days b
       where b.merchant_id = locked.merchant_id and b.terminal_id = locked.terminal_id
         and b.day between range_from and range_to;
      total_n := total_n + n;
      total_fraud := total_fraud + fraud;
    end if;
    terminal_counts := terminal_counts || total_n;
    terminal_frauds := terminal_frauds || total_fraud;
  end loop;
  claimed := true;
  payment := locked;
  already_assessed := exists (select 1 from fraud_assessments a where a.payment_id = locked.id);
  labelled_fraud := coalesce((select l.fraud from fraud_labels l where l.payment_id = locked.id), false);
  return next;
end $$;

-- The assessment's writes, in one call: stores the assessment (p_assessment: its row as a JSON object of column
-- values) and, only if that insert happened (a payment assessed concurrently is left alone), opens the review item
-- (p_open_review: 'review', 'hold' or null), moves the payment (p_decided: id, status, amount_refunded, version,
-- updated_at, or null; optimistic on the version before it), writes the events to the outbox, and counts the
-- payment in its card and terminal hour buckets and its terminal day bucket (as a fraud when p_count_fraud). The
-- hot bucket rows are locked last, just before the commit. `moved` is false when p_decided lost a race (the caller
-- fails, and so rolls back, the whole record).
create function fraud_save_assessment(
  p_assessment jsonb,
  p_count_fraud boolean,
  p_open_review text,
  p_decided jsonb,
  p_events jsonb,
  p_writer_lease_seconds integer
) returns table (assessed boolean, moved boolean)
language plpgsql volatile as $$
declare
  a fraud_assessments;
  fraud int := case when p_count_fraud then 1 else 0 end;
  updated int := 0;
begin
  insert into fraud_assessments
  select * from jsonb_populate_record(null::fraud_assessments, p_assessment)
  on conflict (payment_id) do nothing
  returning * into a;
  if not found then
    return query select false, false;
    return;
  end if;
  if p_open_review is not null then
    insert into fraud_reviews (payment_id, merchant_id, kind, opened_at)
    values (a.payment_id, a.merchant_id, p_open_review, a.assessed_at);
  end if;
  if p_decided is not null then
    update payments
       set status = p_decided ->> 'status', amount_refunded = (p_decided ->> 'amount_refunded')::bigint,
           version = (p_decided ->> 'version')::integer, updated_at = (p_decided ->> 'updated_at')::timestamptz
     where id = (p_decided ->> 'id')::uuid and version = (p_decided ->> 'version')::integer - 1;
    get diagnostics updated = row_count;
  end if;
  if jsonb_array_length(p_events) > 0 then
    perform append_events(p_events, p_writer_lease_seconds);
  end if;
  insert into fraud_card_hours as b (merchant_id, card_fingerprint, hour, tx_count, amount_milli, fraud_count)
  values (a.merchant_id, a.card_fingerprint, a.hour, 1, a.amount_milli, fraud)
  on conflict (merchant_id, card_fingerprint, hour) do update
     set tx_count = b.tx_count + 1, amount_milli = b.amount_milli + excluded.amount_milli,
         fraud_count = b.fraud_count + excluded.fraud_count;
  insert into fraud_terminal_hours as b (merchant_id, terminal_id, hour, tx_count, amount_milli, fraud_count)
  values (a.merchant_id, a.terminal_id, a.hour, 1, a.amount_milli, fraud)
  on conflict (merchant_id, terminal_id, hour) do update
     set tx_count = b.tx_count + 1, amount_milli = b.amount_milli + excluded.amount_milli,
         fraud_count = b.fraud_count + excluded.fraud_count;
  insert into fraud_terminal_days as b (merchant_id, terminal_id, day, tx_count, fraud_count)
  values (a.merchant_id, a.terminal_id, floor(a.hour / 24.0)::integer, 1, fraud)
  on conflict (merchant_id, terminal_id, day) do update
     set tx_count = b.tx_count + 1, fraud_count = b.fraud_count + excluded.fraud_count;
  return query select true, updated = 1;
end $$;
