-- Terminal day buckets, for the scoring read's latency: a terminal's windows span up to 720 hour buckets (hours H-888
-- to H-169), and reading them was most of the scoring read's time. A day bucket holds the sums of one UTC day's
-- 24 hour buckets (day = floor(hour / 24)); a window now reads its whole days from here and only the hours at its
-- edges from fraud_terminal_hours: at most 30 day and 70 hour buckets for the three windows. Both tables are
-- written by the same statements (scoring counts a payment in both, a fraud label too), so the sums are exactly
-- the hour buckets' (see functions/fraud/adapters/day-split.ts). Terminal windows read counts and frauds only.

create table fraud_terminal_days (
  merchant_id  text not null,
  terminal_id  text not null,
  day          integer not null,
  tx_count     integer not null default 0 check (tx_count >= 0),
  fraud_count  integer not null default 0 check (fraud_count >= 0),
  primary key (merchant_id, terminal_id, day)
);

-- Housekeeping deletes days no window reads any more (pruneFeatureStore).
create index fraud_terminal_days_day on fraud_terminal_days (day);

insert into fraud_terminal_days (merchant_id, terminal_id, day, tx_count, fraud_count)
select merchant_id, terminal_id, floor(hour / 24.0)::integer, sum(tx_count), sum(fraud_count)
  from fraud_terminal_hours
 group by merchant_id, terminal_id, floor(hour / 24.0)::integer;
