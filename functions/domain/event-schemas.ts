/**
 * The zod schemas of the events and the envelope types derived from them: producers validate what they write to
 * the outbox, consumers what they receive. Code that only needs the types imports ./events.ts, which loads no
 * schema. The domain declares itself free of side effects (./package.json), so a bundle that reaches this
 * module without validating events (a reading function's, through its service's composition) leaves it out.
 */
import * as z from 'zod';
import {
  EVENT_TYPES,
  InvalidEventError,
  isPaymentEventType,
  type EventType,
  type MerchantEventType,
  type PaymentEventType,
} from './event-types';
import { PAYMENT_STATUSES } from './payment-status';
import { TRACEPARENT_PATTERN } from './traceparent';

const customerSchema = z.object({
  id: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  country: z.string().optional(),
});

export const paymentSnapshotSchema = z.object({
  id: z.string(),
  merchantId: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  amount: z.number().int(),
  currency: z.string().length(3),
  amountRefunded: z.number().int(),
  customer: customerSchema,
  paymentMethod: z.object({
    type: z.literal('card'),
    fingerprint: z.string(),
    last4: z.string(),
    brand: z.string().optional(),
    country: z.string().optional(),
  }),
  terminalId: z.string(),
  description: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PaymentSnapshot = z.infer<typeof paymentSnapshotSchema>;

export const eventDataSchemas = {
  PaymentCreated: z.object({ payment: paymentSnapshotSchema }),
  PaymentApproved: z.object({
    payment: paymentSnapshotSchema,
    decidedBy: z.enum(['fraud-model', 'reviewer']),
  }),
  PaymentFailed: z.object({ payment: paymentSnapshotSchema, reason: z.string() }),
  PaymentRefunded: z.object({
    payment: paymentSnapshotSchema,
    refund: z.object({
      id: z.string(),
      amount: z.number().int(),
      currency: z.string().length(3),
      reason: z.string().optional(),
    }),
  }),
  AnomalyDetected: z.object({
    payment: paymentSnapshotSchema,
    score: z.number().int().min(0).max(99),
    probability: z.number().min(0).max(1),
    modelVersion: z.string(),
    reasons: z.array(z.string()),
    action: z.enum(['review', 'hold', 'decline']),
  }),
  ReviewDecided: z.object({
    payment: paymentSnapshotSchema,
    decision: z.enum(['approve', 'reject', 'confirm', 'fraud']),
    reviewer: z.string(),
    note: z.string().optional(),
  }),
  WebhookEndpointDisabled: z.object({
    endpoint: z.object({ id: z.string(), url: z.string(), description: z.string().nullable() }),
    // Every delivery to it failed for the whole retry window.
    reason: z.literal('failing'),
    failingSince: z.iso.datetime({ offset: true }),
    disabledAt: z.iso.datetime({ offset: true }),
  }),
} satisfies Record<EventType, z.ZodType>;

export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

interface EnvelopeFields<T extends EventType> {
  id: string;
  type: T;
  version: 1;
  occurredAt: string;
  merchantId: string;
  correlationId: string;
  /**
   * The W3C trace context of the work that wrote the event (the request or the consumer's record), so that what
   * it causes, however late the outbox publishes it, joins the same trace. Absent where nothing was traced.
   */
  traceparent?: string;
  data: EventData<T>;
}

/**
 * An event: a payment's names the payment (`paymentId`); a merchant's (MERCHANT_EVENT_TYPES) is about the account
 * and has no `paymentId`.
 */
export type EventEnvelope<T extends EventType = EventType> = EnvelopeFields<T> &
  (T extends PaymentEventType ? { paymentId: string } : { paymentId?: undefined });

export type AnyEventEnvelope = { [T in EventType]: EventEnvelope<T> }[EventType];
export type PaymentEventEnvelope = { [T in PaymentEventType]: EventEnvelope<T> }[PaymentEventType];
export type MerchantEventEnvelope = { [T in MerchantEventType]: EventEnvelope<T> }[MerchantEventType];

const envelopeBase = {
  id: z.string().min(1),
  version: z.literal(1),
  occurredAt: z.iso.datetime({ offset: true }),
  merchantId: z.string().min(1),
  correlationId: z.string().min(1),
  traceparent: z
    .string()
    .regex(TRACEPARENT_PATTERN, 'must be a W3C traceparent: 00-<32 hex>-<16 hex>-<2 hex>, lowercase')
    .refine((value) => !/^00-0{32}-|-0{16}-/.test(value), 'must not have an all-zero trace or parent id')
    .optional(),
};

export const eventEnvelopeSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) =>
    z.object({
      ...envelopeBase,
      type: z.literal(type),
      paymentId: isPaymentEventType(type)
        ? z.string().min(1)
        : z.undefined({ error: 'must be absent: the event is about the merchant, not a payment' }).optional(),
      data: eventDataSchemas[type],
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** Validates an incoming envelope (unknown type, missing fields, wrong payload all throw InvalidEventError). */
export function parseEvent(input: unknown): AnyEventEnvelope {
  const result = eventEnvelopeSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`invalid event envelope: ${issues}`);
  }
  return result.data as unknown as AnyEventEnvelope;
}
