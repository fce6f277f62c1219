-- The outbox becomes an append-only event log (also each merchant's feed); what is still to be published lives in
-- outbox_pending, one small row per event, deleted once SNS has the event. Marking an event published used to
-- rewrite its outbox row (envelope included) and every index entry of it; now it deletes a row of a table with one
-- index. The relay claims pending rows with the same lease as before.
create table outbox_pending (
  event_id      uuid primary key,  -- outbox.id (no foreign key: the pending row is written in the same statement)
  -- While set and in the future, one publisher owns the event: the writer right after its commit, or a relay run.
  claimed_until timestamptz,
  attempts      integer not null default 0,
  last_error    text
);

insert into outbox_pending (event_id, claimed_until, attempts, last_error)
select id, claimed_until, attempts, last_error from outbox where published_at is null;

drop index outbox_unpublished;
alter table outbox drop column published_at, drop column claimed_until, drop column attempts, drop column last_error;

-- Only to delete expired keys in bulk: a BRIN index costs next to nothing to maintain on rows inserted in
-- expiry order, where the b-tree was one more index entry to write on every claim.
drop index idempotency_records_expires;
create index idempotency_records_expires on idempotency_records using brin (expires_at);
