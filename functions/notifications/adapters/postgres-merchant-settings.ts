import type { Queryable } from '../../shared/db/client';
import type { MerchantSettings, MerchantSettingsStore } from '../ports';

const UNSET: MerchantSettings = { notificationEmail: null, updatedAt: null };

/** merchant_settings: one row per merchant that has set anything; none reads as nothing set. */
export class PostgresMerchantSettings implements MerchantSettingsStore {
  constructor(private readonly db: Queryable) {}

  async get(merchantId: string): Promise<MerchantSettings> {
    const [row] = await this.db<{ notification_email: string | null; updated_at: Date }[]>`
      select notification_email, updated_at from merchant_settings where merchant_id = ${merchantId}`;
    return row ? { notificationEmail: row.notification_email, updatedAt: row.updated_at } : UNSET;
  }

  async put(
    merchantId: string,
    settings: Pick<MerchantSettings, 'notificationEmail'>,
  ): Promise<MerchantSettings> {
    const [row] = await this.db<{ notification_email: string | null; updated_at: Date }[]>`
      insert into merchant_settings (merchant_id, notification_email)
      values (${merchantId}, ${settings.notificationEmail})
      on conflict (merchant_id) do update
        set notification_email = excluded.notification_email, updated_at = now()
      returning notification_email, updated_at`;
    return { notificationEmail: row!.notification_email, updatedAt: row!.updated_at };
  }
}
