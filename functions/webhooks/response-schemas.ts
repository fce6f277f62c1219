/** Response schemas of the webhooks API, for the OpenAPI document only (functions/api/openapi.ts). */
import * as z from 'zod';
import { EVENT_TYPES } from '../domain/events';

const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ object: z.literal('list'), data: z.array(item), hasMore: z.boolean() }).meta({ id });

export const webhookEndpointResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    events: z
      .array(z.enum(EVENT_TYPES))
      .nullable()
      .meta({ description: 'null: every payment event (a merchant event only goes where it is named)' }),
    description: z.string().optional(),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: z
      .enum(['merchant', 'failing'])
      .optional()
      .meta({ description: 'failing: every delivery failed for 3 days' }),
    disabledAt: z.string().optional(),
    previousSecretExpiresAt: z
      .string()
      .optional()
      .meta({ description: 'after a rotation: until then the previous secret signs too' }),
    secret: z
      .string()
      .optional()
      .meta({ description: 'whsec_ + base64; only in the answers that create or rotate it' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookDeliveryResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('webhook_delivery'),
    endpointId: z.uuid(),
    eventId: z.string(),
    eventType: z.enum(EVENT_TYPES),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastResponseMs: z.number().int().nullable(),
    lastResponseBody: z.string().nullable().meta({ description: 'the start of the body, truncated' }),
    lastError: z.string().nullable().meta({ description: 'a timeout, a refused connection or address' }),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deletedWebhookEndpointSchema = z
  .object({ id: z.uuid(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) })
  .meta({
    id: 'DeletedWebhookEndpoint',
  });
export const webhookEndpointListSchema = listOf(webhookEndpointResourceSchema, 'WebhookEndpointList');
export const webhookDeliveryListSchema = listOf(webhookDeliveryResourceSchema, 'WebhookDeliveryList');
