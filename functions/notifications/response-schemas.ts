/**
 * Response schema of GET /payments/{id}/notifications: only the OpenAPI document uses it at run time; the use
 * case takes its type.
 */
import * as z from 'zod';

export const notificationResourceSchema = z
  .object({
    id: z.uuid(),
    object: z.literal('notification'),
    paymentId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    channel: z.enum(['email', 'sms']),
    audience: z.enum(['customer', 'fraud_ops', 'merchant']),
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

export const merchantSettingsResourceSchema = z
  .object({
    object: z.literal('merchant_settings'),
    notificationEmail: z
      .string()
      .nullable()
      .meta({ description: "where RamPay e-mails the merchant's own notices; null: nowhere" }),
    updatedAt: z.string().nullable().meta({ description: 'null: never set' }),
  })
  .meta({ id: 'MerchantSettings' });
export type MerchantSettingsResource = z.infer<typeof merchantSettingsResourceSchema>;
