-- Repeatable: applied by functions/shared/db/migrate.ts after the versioned migrations whenever this file changes,
-- so it holds the current definition of each function (create or replace). A change of arguments or return type
-- needs a versioned migration that drops the old function first.

-- The fraud consumer's two statements per payment, the scoring read and the assessment's writes, as PL/pgSQL
-- functions: with prepare: false (RDS Proxy) an ad-hoc statement is parsed, analysed and planned on every call, and
-- these two are large. A function's statements are planned once per database session and reused; a call is a
-- short statement with JSON documents. A single event runs them without a transaction of its own: the read locks
-- nothing, and the write, one statement, is optimistic: it claims the event in the inbox, stores the assessment and
-- moves the payment only from the version the read saw, all or nothing. Inside a batch's transaction the same two
-- calls run under each record's savepoint.

-- The scoring read (p_read: merchantId, paymentId, the card and terminal window ranges, and optionally `inbox`, the
-- entry claim_inbox_entry takes): `duplicate` when the inbox already holds that event (nothing else is read then);
-- otherwise the payment (null when it does not exist for this merchant), its card's and terminal's window sums in
-- window order, and whether it was assessed already. Reads only.
-- The card ranges are window k's hour range [from, to]; a terminal's window k is {hours: [[from, to], ...], days:
-- [from, to] or null}: its edge hours from hour buckets, its whole days from day buckets (the application computes
-- them: functions/fraud/features/windows.ts, adapters/day-split.ts). Each range is one small statement on its
-- bucket table's primary key: a plan that cannot go wrong, whatever the ranges.
-- `terminalRun` is the hour range [from, to] the terminal's fraud run is looked for in: the frauds in the hours
-- after the range's last hour with a payment not known to be fraud, and the first hour holding one of them
-- (functions/fraud/features/windows.ts, terminalFraudRun).
create or replace function fraud_read_for_scoring(p_read jsonb) returns table (
  duplicate boolean,
  payment payments,
  already_assessed boolean,
  card_counts bigint[],
  card_amounts bigint[],
  terminal_counts bigint[],
  terminal_frauds bigint[],
  terminal_run_frauds bigint,
  terminal_run_first_hour integer
)
language plpgsql stable as $$
declare
  found_payment payments;
  w jsonb;
  r jsonb;
  range_from integer;
  range_to integer;
  n bigint;
  amount bigint;
  fraud bigint;
  total_n bigint;
  total_fraud bigint;
  last_genuine_hour integer;
begin
  if p_read ? 'inbox' and exists (
    select 1 from consumer_inbox i
     where i.consumer = p_read -> 'inbox' ->> 'consumer' and i.event_id = p_read -> 'inbox' ->> 'eventId'
  ) then
    return query select true, null::payments, false, null::bigint[], null::bigint[], null::bigint[],
                        null::bigint[], null::bigint, null::integer;
    return;
  end if;
  select * into found_payment from payments p
   where p.id = (p_read ->> 'paymentId')::uuid and p.merchant_id = p_read ->> 'merchantId';
  if not found then
    return query select false, null::payments, false, null::bigint[], null::bigint[], null::bigint[],
                        null::bigint[], null::bigint, null::integer;
    return;
  end if;
  card_counts := '{}';
  card_amounts := '{}';
  for r in select value from jsonb_array_elements(p_read -> 'card') loop
    range_from := (r ->> 0)::integer;
    range_to := (r ->> 1)::integer;
    select coalesce(sum(b.tx_count), 0), coalesce(sum(b.amount_milli), 0) into n, amount
      from fraud_card_hours b
     where b.merchant_id = found_payment.merchant_id and b.card_fingerprint = found_payment.card_fingerprint
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
       where b.merchant_id = found_payment.merchant_id and b.terminal_id = found_payment.terminal_id
         and b.hour between range_from and range_to;
      total_n := total_n + n;
      total_fraud := total_fraud + fraud;
    end loop;
    if jsonb_typeof(w -> 'days') = 'array' then
      range_from := (w -> 'days' ->> 0)::integer;
      range_to := (w -> 'days' ->> 1)::integer;
      select coalesce(sum(b.tx_count), 0), coalesce(sum(b.fraud_count), 0) into n, fraud
        from fraud_terminal_days b
       where b.merchant_id = found_payment.merchant_id and b.terminal_id = found_payment.terminal_id
         and b.day between range_from and range_to;
      total_n := total_n + n;
      total_fraud := total_fraud + fraud;
    end if;
    terminal_counts := terminal_counts || total_n;
    terminal_frauds := terminal_frauds || total_fraud;
  end loop;
  range_from := (p_read -> 'terminalRun' ->> 0)::integer;
  range_to := (p_read -> 'terminalRun' ->> 1)::integer;
  select max(b.hour) into last_genuine_hour
    from fraud_terminal_hours b
   where b.merchant_id = found_payment.merchant_id and b.terminal_id = found_payment.terminal_id
     and b.hour between range_from and range_to and b.tx_count > b.fraud_count;
  select coalesce(sum(b.fraud_count), 0), min(b.hour) filter (where b.fraud_count > 0)
    into terminal_run_frauds, terminal_run_first_hour
    from fraud_terminal_hours b
   where b.merchant_id = found_payment.merchant_id and b.terminal_id = found_payment.terminal_id
     and b.hour between coalesce(last_genuine_hour + 1, range_from) and range_to;
  duplicate := false;
  payment := found_payment;
  already_assessed := exists (select 1 from fraud_assessments a where a.payment_id = found_payment.id);
  return next;
end $$;

-- The assessment's writes, all or nothing, in one call (so, alone, in one implicit transaction): claims the event
-- in the inbox (p_inbox, or null when the caller has claimed it), and answers 'duplicate', having written nothing,
-- when it was claimed already (a concurrent duplicate waits for the first delivery's row, then finds it). Then it
-- locks the payment, stores the assessment (p_assessment: its row as a JSON object of column values) and answers
-- 'already-assessed' when the payment has one (the claim stays: the event is handled). Otherwise it opens the
-- review item (p_open_review: 'review', 'hold' or null), moves the payment (p_decided: id, status,
-- amount_refunded, version, updated_at, or null) only from the version before p_decided's, writes the events to
-- the outbox and counts the payment in its card and terminal hour buckets and its terminal day bucket (as a
-- fraud when it is labelled fraud, or declined: a decline stores a fraud label with source 'decline'), and
-- answers 'saved'. A payment that changed since the read (its version
-- moved) raises serialization_failure (40001), so that nothing of the call is kept and the event is scored again.
-- The payment's lock orders the call against a fraud report or a review decision on the same payment, which
-- take it first too: a label committed before it is counted here, and a label after it finds the assessment and
-- counts itself (fraud_labels' writer, functions/fraud/adapters/postgres-fraud-store.ts).
create or replace function fraud_record_assessment(
  p_inbox jsonb,
  p_assessment jsonb,
  p_open_review text,
  p_decided jsonb,
  p_events jsonb,
  p_writer_lease_seconds integer
) returns text
language plpgsql volatile as $$
declare
  a fraud_assessments;
  fraud int;
begin
  if p_inbox is not null and not claim_inbox_entry(p_inbox) then
    return 'duplicate';
  end if;
  perform 1 from payments p where p.id = (p_assessment ->> 'payment_id')::uuid for update;
  fraud := case when exists (
    select 1 from fraud_labels l where l.payment_id = (p_assessment ->> 'payment_id')::uuid and l.fraud
  ) then 1 else 0 end;
  insert into fraud_assessments
  select * from jsonb_populate_record(null::fraud_assessments, p_assessment)
  on conflict (payment_id) do nothing
  returning * into a;
  if not found then
    return 'already-assessed';
  end if;
  -- A decline is a label: the payment never goes through, so no chargeback or reviewer will ever label it.
  -- Dated at the decision, counted in the payment's hour like every label (read once 7 days old).
  if a.action = 'decline' and a.applied then
    insert into fraud_labels (payment_id, merchant_id, fraud, source, labelled_at)
    values (a.payment_id, a.merchant_id, true, 'decline', a.assessed_at)
    on conflict (payment_id) do update
       set fraud = true, source = excluded.source, labelled_at = excluded.labelled_at
     where not fraud_labels.fraud;
    fraud := 1;
  end if;
  if p_decided is not null then
    update payments
       set status = p_decided ->> 'status', amount_refunded = (p_decided ->> 'amount_refunded')::bigint,
           version = (p_decided ->> 'version')::integer, updated_at = (p_decided ->> 'updated_at')::timestamptz
     where id = (p_decided ->> 'id')::uuid and version = (p_decided ->> 'version')::integer - 1;
    if not found then
      raise exception 'payment % changed while it was being scored', p_decided ->> 'id'
        using errcode = 'serialization_failure';
    end if;
  end if;
  if p_open_review is not null then
    insert into fraud_reviews (payment_id, merchant_id, kind, opened_at)
    values (a.payment_id, a.merchant_id, p_open_review, a.assessed_at);
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
  return 'saved';
end $$;
