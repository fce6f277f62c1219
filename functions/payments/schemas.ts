/**
 * Request schemas of the payments API: they validate requests and, with ./response-schemas.ts, produce the
 * OpenAPI document.
 */
import * as z from 'zod';
import { cursorId, pageLimit } from '../shared/http/pagination';
import { isCurrencyCode, MAX_AMOUNT_MINOR, type CurrencyCode } from '../domain/money';
import { PAYMENT_STATUSES } from '../domain/payment-status';
import { EVENT_TYPES } from '../domain/events';

const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

const amountMinor = z
  .number({ error: 'must be a number: an integer count of minor units, e.g. 1050 for 10.50 USD' })
  .int({ error: 'must be a whole number of minor units (e.g. 1050 for 10.50 USD), not a fraction' })
  .positive({ error: 'must be greater than zero' })
  .max(MAX_AMOUNT_MINOR, { error: `must be at most ${MAX_AMOUNT_MINOR} minor units` });

const currency = z
  .string({ error: 'must be a three-letter ISO 4217 currency code, e.g. USD' })
  .transform((code) => code.toUpperCase())
  .refine(isCurrencyCode, { error: 'is not an ISO 4217 currency RamPay supports (e.g. USD, EUR, JPY, KWD)' })
  .transform((code) => code as CurrencyCode)
  .meta({ description: 'ISO 4217 code, e.g. USD; amounts are in its minor units (JPY 0 decimals, KWD 3)' });

const country = z
  .string()
  .regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. GB' });

const identifier = (what: string, max: number) =>
  z
    .string({ error: `must be a string naming the ${what}` })
    .min(1, { error: `must name the ${what}` })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^[\w.:-]+$/, { error: 'may contain only letters, digits and _ . : -' });

export const customerSchema = z
  .object({
    id: identifier('customer', 255),
    email: z.email({ error: 'must be a valid e-mail address' }).max(254).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, {
        error: 'must be an E.164 phone number: + then 7 to 15 digits, e.g. +447700900123',
      })
      .optional(),
    country: country.optional(),
  })
  .strict()
  .meta({ id: 'Customer' });

export const paymentMethodSchema = z
  .object({
    type: z.literal('card', { error: 'must be "card"' }),
    fingerprint: identifier('card fingerprint (a stable token, never the card number)', 64).min(8, {
      error: 'must be at least 8 characters',
    }),
    last4: z.string().regex(/^\d{4}$/, { error: 'must be the last 4 digits of the card' }),
    brand: z.string().min(1).max(20).optional(),
    country: country.optional(),
  })
  .strict()
  .meta({ id: 'CardPaymentMethod' });

export const metadataSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(METADATA_MAX_KEY_LENGTH, { error: `keys must be at most ${METADATA_MAX_KEY_LENGTH} characters` }),
    z.string({ error: 'values must be strings' }).max(METADATA_MAX_VALUE_LENGTH, {
      error: `values must be at most ${METADATA_MAX_VALUE_LENGTH} characters`,
    }),
  )
  .refine((m) => Object.keys(m).length <= METADATA_MAX_KEYS, {
    error: `must have at most ${METADATA_MAX_KEYS} keys`,
  })
  .meta({ id: 'Metadata' });

export const createPaymentRequestSchema = z
  .object({
    amount: amountMinor,
    currency,
    customer: customerSchema,
    paymentMethod: paymentMethodSchema,
    terminalId: identifier('terminal (point of sale or online store)', 64),
    description: z.string().max(1000, { error: 'must be at most 1000 characters' }).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreatePaymentRequest' });
export type CreatePaymentRequest = z.infer<typeof createPaymentRequestSchema>;

export const createRefundRequestSchema = z
  .object({
    amount: amountMinor
      .optional()
      .meta({ description: 'minor units; the whole remaining amount when absent' }),
    reason: z.string().max(500, { error: 'must be at most 500 characters' }).optional(),
  })
  .strict()
  .meta({ id: 'CreateRefundRequest' });
export type CreateRefundRequest = z.infer<typeof createRefundRequestSchema>;

const isoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00Z',
});

export const listPaymentsQuerySchema = z
  .object({
    limit: pageLimit(),
    starting_after: cursorId('payment').optional(),
    status: z.enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(', ')}` }).optional(),
    customer: z.string().min(1).max(255).optional(),
    created_gte: isoDateTime.optional(),
    created_lt: isoDateTime.optional(),
  })
  .strict()
  .refine((q) => !q.created_gte || !q.created_lt || Date.parse(q.created_gte) < Date.parse(q.created_lt), {
    error: 'created_gte must be before created_lt',
    path: ['created_gte'],
  });
export type ListPaymentsQuery = z.infer<typeof listPaymentsQuerySchema>;

export const listEventsQuerySchema = z
  .object({
    limit: pageLimit(),
    starting_after: cursorId('event').optional(),
    type: z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` }).optional(),
    payment_id: z.uuid({ error: 'must be a payment id' }).optional(),
  })
  .strict();
export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;
