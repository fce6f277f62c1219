-- Fraud feature store in hour buckets: the handbook's windows are continuous, (t - n days, t] for a card
-- and (t - (n+7) days, t - 7 days] for a terminal; day buckets could only follow them to within a day, and lost up
-- to a day of terminal labels that were already 7 days old. Hour buckets follow them to within the hour (see
-- functions/fraud/features/windows.ts). Hour numbers are UTC hours since 1970-01-01T00:00Z.

create table fraud_card_hours (
  merchant_id      text not null,
  card_fingerprint text not null,
  hour             integer not null,
  tx_count         integer not null default 0 check (tx_count >= 0),
  amount_milli     bigint not null default 0,
  fraud_count      integer not null default 0 check (fraud_count >= 0),
  primary key (merchant_id, card_fingerprint, hour)
);

create table fraud_terminal_hours (
  merchant_id  text not null,
  terminal_id  text not null,
  hour         integer not null,
  tx_count     integer not null default 0 check (tx_count >= 0),
  amount_milli bigint not null default 0,
  fraud_count  integer not null default 0 check (fraud_count >= 0),
  primary key (merchant_id, terminal_id, hour)
);

-- Housekeeping deletes buckets no window reads any more (pruneFeatureStore).
create index fraud_card_hours_hour on fraud_card_hours (hour);
create index fraud_terminal_hours_hour on fraud_terminal_hours (hour);

-- An assessment records the hour bucket its payment was counted in (a later label lands in the same one): the
-- payment's creation hour, which the day column could not tell.
alter table fraud_assessments add column hour integer;
update fraud_assessments a
   set hour = floor(extract(epoch from p.created_at) / 3600)::integer
  from payments p
 where p.id = a.payment_id;
alter table fraud_assessments alter column hour set not null;
alter table fraud_assessments drop column day;

-- Rebuild the buckets from what the day buckets were made of: every assessed payment, counted as fraud when it
-- carries a fraud label (a label that came before the scoring was counted at scoring; one after it, when it came).
insert into fraud_card_hours (merchant_id, card_fingerprint, hour, tx_count, amount_milli, fraud_count)
select a.merchant_id, a.card_fingerprint, a.hour, count(*), sum(a.amount_milli),
       count(*) filter (where l.fraud)
  from fraud_assessments a
  left join fraud_labels l on l.payment_id = a.payment_id
 group by a.merchant_id, a.card_fingerprint, a.hour;

insert into fraud_terminal_hours (merchant_id, terminal_id, hour, tx_count, amount_milli, fraud_count)
select a.merchant_id, a.terminal_id, a.hour, count(*), sum(a.amount_milli), count(*) filter (where l.fraud)
  from fraud_assessments a
  left join fraud_labels l on l.payment_id = a.payment_id
 group by a.merchant_id, a.terminal_id, a.hour;

drop table fraud_card_days;
drop table fraud_terminal_days;
