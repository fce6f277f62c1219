/**
 * The event envelope and every event's payload, declared once and used by producers (outbox) and consumers. Only
 * types and the event names come from here: the zod schemas that validate events are in ./event-schemas.ts, which
 * only code that writes or reads events loads.
 */
export { EVENT_TYPES, InvalidEventError, isEventType, type EventType } from './event-types';
export type { AnyEventEnvelope, EventData, EventEnvelope, PaymentSnapshot } from './event-schemas';
