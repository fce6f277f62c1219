/**
 * Request schemas of the payments API: they validate requests and, with ./response-schemas.ts, produce the
 * OpenAPI document.
 */
import * as z from 'zod';
import { cursorId, pageLimit } from '../shared/http/pagination';
import { dateTime } from '../shared/http/input/dates';
import {
  CUSTOMER_ID_MAX,
  FINGERPRINT_MAX,
  FINGERPRINT_MIN,
  identifier,
  TERMINAL_ID_MAX,
} from '../shared/http/input/identifiers';
import { text } from '../shared/http/input/text';
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

export const customerSchema = z
  .object({
    id: identifier('customer', { max: CUSTOMER_ID_MAX }),
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
    fingerprint: identifier('card fingerprint (a stable token, never the card number)', {
      min: FINGERPRINT_MIN,
      max: FINGERPRINT_MAX,
    }),
    last4: z.string().regex(/^\d{4}$/, { error: 'must be the last 4 digits of the card' }),
    brand: text(20).min(1, { error: 'must not be empty' }).optional(),
    country: country.optional(),
  })
  .strict()
  .meta({ id: 'CardPaymentMethod' });

export const metadataSchema = z
  .record(
    text(METADATA_MAX_KEY_LENGTH).min(1, { error: 'keys must not be empty' }),
    text(METADATA_MAX_VALUE_LENGTH),
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
    terminalId: identifier('terminal (point of sale or online store)', { max: TERMINAL_ID_MAX }),
    description: text(1000).optional(),
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
    reason: text(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateRefundRequest' });
export type CreateRefundRequest = z.infer<typeof createRefundRequestSchema>;

export const listPaymentsQuerySchema = z
  .object({
    limit: pageLimit(),
    starting_after: cursorId('payment').optional(),
    status: z.enum(PAYMENT_STATUSES, { error: `must be one of ${PAYMENT_STATUSES.join(', ')}` }).optional(),
    customer: identifier('customer', { max: CUSTOMER_ID_MAX }).optional(),
    created_gte: dateTime().optional(),
    created_lt: dateTime().optional(),
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
