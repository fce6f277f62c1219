/**
 * Response schemas of the payments API: only the OpenAPI document uses them (functions/api/openapi.ts), so no
 * handler constructs them at cold start. The import order keeps the document's component order.
 */
import * as z from 'zod';
import { assessmentResourceSchema } from './assessment-schema';
import { PAYMENT_STATUSES } from '../domain/payment-status';
import { customerSchema, paymentMethodSchema } from './schemas';

export const refundResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('refund'),
    paymentId: z.uuid(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Refund' });

export const paymentResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('payment'),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.number().int(),
    currency: z.string(),
    amountRefunded: z.number().int(),
    amountRefundable: z.number().int(),
    customer: customerSchema,
    paymentMethod: paymentMethodSchema,
    terminalId: z.string(),
    description: z.string().optional(),
    metadata: z.record(z.string(), z.string()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    refunds: z.array(refundResourceSchema).optional(),
    fraudAssessment: assessmentResourceSchema.optional(),
  })
  .meta({ id: 'Payment' });

export const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ object: z.literal('list'), data: z.array(item), hasMore: z.boolean() }).meta({ id });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
