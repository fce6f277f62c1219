/**
 * The event envelope and every event's payload, declared once and used by producers (outbox) and consumers. The
 * zod schemas that validate them are in ./event-schemas.ts, which only code that writes or reads events loads.
 */
import type { EventData } from './event-schemas';

export type { EventData, PaymentSnapshot } from './event-schemas';

export const EVENT_TYPES = [
  'PaymentCreated',
  'PaymentApproved',
  'PaymentFailed',
  'PaymentRefunded',
  'AnomalyDetected',
  'ReviewDecided',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: 1;
  occurredAt: string;
  merchantId: string;
  paymentId: string;
  correlationId: string;
  data: EventData<T>;
}

export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
