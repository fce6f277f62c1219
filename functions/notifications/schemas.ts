import * as z from 'zod';
import { cursorId, pageLimit } from '../shared/http/pagination';

export const listNotificationsQuerySchema = z
  .object({
    limit: pageLimit(50),
    starting_after: cursorId('notification').optional(),
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
