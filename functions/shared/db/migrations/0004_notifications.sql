-- Notifications (functions/notifications): the delivery ledger that makes every message go out once per
-- (event, channel, recipient), the append-only audit log of every outbound attempt, and customers' opt-outs.
--
-- Database roles. rampay_notifications is the privilege set of the notifications service: a NOLOGIN group role.
-- The notifications Lambdas should connect as their own login user that is a member of it and owns nothing, e.g.
--   create user rampay_notifications_svc login password '...';   -- its own Secrets Manager secret
--   grant rampay_notifications to rampay_notifications_svc;
-- A table's owner (the migration user) keeps every privilege whatever is granted or revoked, so as long as a
-- function connects as the owner the grants below are documentation only; the trigger further down holds the
-- audit log append-only for every role but a superuser.

do $$
begin
  if not exists (select from pg_roles where rolname = 'rampay_notifications') then
    begin
      create role rampay_notifications nologin;
    exception
      -- Roles are cluster-wide: another database of the cluster may be migrating at the same moment.
      when duplicate_object or unique_violation then null;
    end;
  end if;
end
$$;

-- One row per (event, channel, recipient): the claim, its lease and the final state. Mutable by the service.
create table notification_deliveries (
  event_id            text not null,
  channel             text not null check (channel in ('email', 'sms')),
  -- HMAC-SHA256 (hex) of the normalised recipient under the service's key: the recipient without storing it.
  recipient_hash      text not null,
  event_type          text not null,
  merchant_id         text not null,
  payment_id          text not null,
  audience            text not null check (audience in ('customer', 'fraud_ops')),
  template            text not null,
  recipient_masked    text not null,
  -- claimed: an attempt owns the row until lease_until; retry: the last attempt failed and may be repeated;
  -- sent / failed / suppressed: final, nothing is sent again.
  state               text not null check (state in ('claimed', 'retry', 'sent', 'failed', 'suppressed')),
  previous_state      text,
  attempts            integer not null default 0,
  lease_until         timestamptz,
  claim_token         uuid,
  provider_message_id text,
  reason              text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  primary key (event_id, channel, recipient_hash)
);

-- Every outbound attempt and every suppression, one row each; never updated, never deleted.
create table notification_audit (
  id                  uuid primary key,
  event_id            text not null,
  event_type          text not null,
  merchant_id         text not null,
  payment_id          text not null,
  channel             text not null check (channel in ('email', 'sms')),
  audience            text not null check (audience in ('customer', 'fraud_ops')),
  template            text not null,
  recipient_masked    text not null,
  recipient_hash      text not null,
  status              text not null check (status in ('sent', 'failed', 'suppressed')),
  reason              text,
  -- For a failed attempt: whether it will be tried again (throttling) or not (an invalid address).
  retryable           boolean not null default false,
  provider            text,
  provider_message_id text,
  -- 1 for the first attempt at this (event, channel, recipient); 0 for a suppression (nothing was attempted).
  attempt             integer not null,
  attempted_at        timestamptz not null,
  recorded_at         timestamptz not null default now()
);

create index notification_audit_payment on notification_audit (merchant_id, payment_id, id);
-- "What did we send to this address?": look up by the keyed hash of the recipient.
create index notification_audit_recipient on notification_audit (recipient_hash, recorded_at);

create or replace function notification_audit_append_only() returns trigger
language plpgsql as $$
begin
  raise exception 'notification_audit is append-only: % is not allowed', tg_op
    using errcode = 'insufficient_privilege';
end
$$;

create trigger notification_audit_no_update_delete
  before update or delete on notification_audit
  for each row execute function notification_audit_append_only();
create trigger notification_audit_no_truncate
  before truncate on notification_audit
  for each statement execute function notification_audit_append_only();

-- A customer's opt-outs, per merchant. Read by the service; written by the merchant's tooling (no API yet).
create table notification_preferences (
  merchant_id  text not null,
  customer_id  text not null,
  email        boolean not null default true,
  sms          boolean not null default true,
  updated_at   timestamptz not null default now(),
  primary key (merchant_id, customer_id)
);

revoke all on notification_deliveries, notification_audit, notification_preferences from public;
grant select, insert, update on notification_deliveries to rampay_notifications;
grant select, insert on notification_audit to rampay_notifications;
revoke update, delete, truncate on notification_audit from rampay_notifications;
grant select on notification_preferences to rampay_notifications;
-- What the consumer runtime and GET /payments/{id}/notifications need besides.
grant select, insert on consumer_inbox to rampay_notifications;
grant select on payments to rampay_notifications;
