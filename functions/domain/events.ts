/**
 * The event envelope and every event's payload, declared once and used by producers (outbox) and consumers. Only
 * types and the event names come from here: the zod schemas that validate events are in ./event-schemas.ts, which
 * only code that writes or reads events loads.
 */
export {
  EVENT_TYPES,
  InvalidEventError,
  isEventType,
  isPaymentEventType,
  MERCHANT_EVENT_TYPES,
  PAYMENT_EVENT_TYPES,
  type EventType,
  type MerchantEventType,
  type PaymentEventType,
} from './event-types';
export type {
  AnyEventEnvelope,
  EventData,
  EventEnvelope,
  MerchantEventEnvelope,
  PaymentEventEnvelope,
  PaymentSnapshot,
} from './event-schemas';
