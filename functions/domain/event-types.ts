/** The events about one payment: each envelope names its payment (`paymentId`). */
export const PAYMENT_EVENT_TYPES = [
  'PaymentCreated',
  'PaymentApproved',
  'PaymentFailed',
  'PaymentRefunded',
  'AnomalyDetected',
  'ReviewDecided',
] as const;

/** The events about a merchant's account rather than a payment: their envelopes name no payment. */
export const MERCHANT_EVENT_TYPES = ['WebhookEndpointDisabled'] as const;

/** The names of RamPay's events: what producers may write and consumers subscribe to. */
export const EVENT_TYPES = [...PAYMENT_EVENT_TYPES, ...MERCHANT_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];
export type MerchantEventType = (typeof MERCHANT_EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export function isPaymentEventType(value: string): value is PaymentEventType {
  return (PAYMENT_EVENT_TYPES as readonly string[]).includes(value);
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}
