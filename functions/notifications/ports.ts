/**
 * The notifications service's ports: the Notifier (SES, SNS SMS, the local mail sink behind one interface), the
 * delivery ledger (claims, leases, the audit log), the reads behind GET /payments/{id}/notifications and the
 * merchant's settings (where its own notices go).
 */
import type { Channel } from './recipients';
import type { TemplateName } from './templates';

/** Who a message is for: a payment's customer, the fraud-operations address, or the merchant itself. */
export type Audience = 'customer' | 'fraud_ops' | 'merchant';

interface MessageBase {
  /** The event the message is about (providers that take tags get it, to match bounces to events). */
  eventId: string;
  template: TemplateName;
  /** The full, validated recipient: an e-mail address or an E.164 phone number. */
  to: string;
}

export interface EmailMessage extends MessageBase {
  channel: 'email';
  subject: string;
  text: string;
  html: string;
}

export interface SmsMessage extends MessageBase {
  channel: 'sms';
  text: string;
}

export type OutboundMessage = EmailMessage | SmsMessage;

export interface SendReceipt {
  /** ses, sns or sink. */
  provider: string;
  providerMessageId: string;
}

/**
 * A send that did not happen. `retryable`: throttling, a provider outage, a timeout; trying again later may work,
 * so the SQS record fails and comes back. Not retryable: this message can never be delivered as it is (an address
 * the provider rejects); it is recorded as failed and not tried again.
 */
export class NotifierError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The provider's error name, e.g. TooManyRequestsException. */
    readonly code: string,
    /** ses, sns or sink, when the provider was reached. */
    readonly provider?: string,
  ) {
    super(message);
    this.name = 'NotifierError';
  }
}

export interface Notifier {
  /** Sends one message; throws NotifierError (anything else thrown is treated as retryable). */
  send(message: OutboundMessage): Promise<SendReceipt>;
}

/** One (event, channel, recipient): the unit that is sent exactly once. */
export interface DeliveryKey {
  eventId: string;
  channel: Channel;
  recipientHash: string;
}

export interface DeliveryRecord extends DeliveryKey {
  eventType: string;
  merchantId: string;
  /** Null for a merchant's event, which is about no payment. */
  paymentId: string | null;
  audience: Audience;
  template: TemplateName;
  recipientMasked: string;
}

export type ClaimResult =
  /** This attempt owns the delivery until its lease expires: send, then complete. */
  | { kind: 'claimed'; token: string; attempt: number; claimedAt: Date }
  /** Already sent, failed for good or suppressed: nothing to do. */
  | { kind: 'done'; state: 'sent' | 'failed' | 'suppressed' }
  /** Another attempt holds a live lease: try again later. */
  | { kind: 'busy' }
  /** The customer opted out of this channel: nothing was claimed. */
  | { kind: 'opted-out' };

export type Outcome =
  | { status: 'sent'; provider: string; providerMessageId: string }
  | { status: 'failed'; provider: string; reason: string; retryable: boolean };

export interface DeliveryLedger {
  /** With `customerId`, checks the customer's opt-out of the channel in the same step (notification_preferences). */
  claim(record: DeliveryRecord, leaseSeconds: number, customerId?: string): Promise<ClaimResult>;
  /** Records the attempt's outcome; false when the claim was lost meanwhile (the lease expired and was taken). */
  complete(
    record: DeliveryRecord,
    claim: Extract<ClaimResult, { kind: 'claimed' }>,
    outcome: Outcome,
  ): Promise<boolean>;
  /** Records that nothing will be sent (with why); false when the delivery was already recorded. */
  suppress(record: DeliveryRecord, reason: string): Promise<boolean>;
}

export interface NotificationAuditEntry {
  id: string;
  eventId: string;
  eventType: string;
  paymentId: string;
  channel: Channel;
  audience: Audience;
  template: string;
  recipientMasked: string;
  recipientHash: string;
  status: 'sent' | 'failed' | 'suppressed';
  reason: string | null;
  retryable: boolean;
  provider: string | null;
  providerMessageId: string | null;
  attempt: number;
  attemptedAt: string;
  recordedAt: string;
}

export interface NotificationLog {
  /** The audit entries of one payment of one merchant, oldest first, after the entry `startingAfter`. */
  list(
    merchantId: string,
    paymentId: string,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: NotificationAuditEntry[]; hasMore: boolean }>;
}

/** What a merchant sets for itself (GET and PUT /merchant/settings). */
export interface MerchantSettings {
  /** Where RamPay e-mails the merchant's own notices (a webhook endpoint disabled); null: nowhere. */
  notificationEmail: string | null;
  /** When they were last changed; null: never set. */
  updatedAt: Date | null;
}

export interface MerchantSettingsStore {
  get(merchantId: string): Promise<MerchantSettings>;
  put(merchantId: string, settings: Pick<MerchantSettings, 'notificationEmail'>): Promise<MerchantSettings>;
}
