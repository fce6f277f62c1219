import * as z from 'zod';
import { cursorId, pageLimit } from '../shared/http/pagination';

export const listNotificationsQuerySchema = z
  .object({
    limit: pageLimit(50),
    starting_after: cursorId('notification').optional(),
  })
  .strict();
export type ListNotificationsQuery = z.infer<typeof listNotificationsQuerySchema>;

/** PUT /merchant/settings: the whole settings (null clears a setting). */
export const merchantSettingsRequestSchema = z
  .object({
    notificationEmail: z
      .email({ error: 'must be an e-mail address, or null for none' })
      .max(254, { error: 'must be at most 254 characters' })
      .nullable()
      .meta({ description: "where RamPay e-mails the merchant's own notices (a webhook endpoint disabled)" }),
  })
  .strict()
  .meta({ id: 'MerchantSettingsRequest' });
export type MerchantSettingsRequest = z.infer<typeof merchantSettingsRequestSchema>;
