-- Events about a merchant's account rather than one of its payments (WebhookEndpointDisabled) name no payment: the
-- outbox, the consumers' inbox and the notifications ledger and audit log keep them with payment_id null. Such
-- notices go to the merchant itself (audience 'merchant'), at the address it sets in merchant_settings.

alter table outbox alter column payment_id drop not null;
alter table consumer_inbox alter column payment_id drop not null;
alter table notification_deliveries alter column payment_id drop not null;
alter table notification_audit alter column payment_id drop not null;

alter table notification_deliveries
  drop constraint notification_deliveries_audience_check,
  add constraint notification_deliveries_audience_check check (audience in ('customer', 'fraud_ops', 'merchant'));
alter table notification_audit
  drop constraint notification_audit_audience_check,
  add constraint notification_audit_audience_check check (audience in ('customer', 'fraud_ops', 'merchant'));

-- A merchant's own settings (GET and PUT /merchant/settings; the notifications service owns them).
create table merchant_settings (
  merchant_id         text primary key,
  -- Where RamPay e-mails the merchant's operational notices (a webhook endpoint disabled); null: nowhere.
  notification_email  text,
  updated_at          timestamptz not null default now()
);

revoke all on merchant_settings from public;
grant select, insert, update on merchant_settings to rampay_notifications;
