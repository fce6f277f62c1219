import * as z from 'zod';

const limit = z.coerce
  .number({ error: 'must be a number from 1 to 100' })
  .int({ error: 'must be a whole number from 1 to 100' })
  .min(1, { error: 'must be at least 1' })
  .max(100, { error: 'must be at most 100' })
  .default(50);

export const listNotificationsQuerySchema = z
  .object({
    limit,
    starting_after: z.uuid({ error: 'must be the id of a notification from a previous page' }).optional(),
  })
  .strict();
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuerySchema>;

export const notificationResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('notification'),
    paymentId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    channel: z.enum(['email', 'sms']),
    audience: z.enum(['customer', 'fraud_ops']),
    template: z.string(),
    recipient: z.string().meta({ description: 'masked, e.g. j***@example.com or +44******789' }),
    recipientHash: z
      .string()
      .meta({ description: 'HMAC-SHA256 of the full recipient under the service key' }),
    status: z.enum(['sent', 'failed', 'suppressed']),
    reason: z.string().optional(),
    retryable: z.boolean(),
    provider: z.string().optional(),
    providerMessageId: z.string().optional(),
    attempt: z.number().int(),
    attemptedAt: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Notification' });
export type NotificationResource = z.infer<typeof notificationResourceSchema>;
