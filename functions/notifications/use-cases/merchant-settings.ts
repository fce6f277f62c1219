import type { MerchantSettings, MerchantSettingsStore } from '../ports';
import type { MerchantSettingsResource } from '../response-schemas';
import type { MerchantSettingsRequest } from '../schemas';

export interface MerchantSettingsDeps {
  settings: MerchantSettingsStore;
}

function resource(settings: MerchantSettings): MerchantSettingsResource {
  return {
    object: 'merchant_settings',
    notificationEmail: settings.notificationEmail,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
  };
}

/** The merchant's settings; a merchant that never set any has every setting null. */
export async function getMerchantSettings(
  deps: MerchantSettingsDeps,
  merchantId: string,
): Promise<MerchantSettingsResource> {
  return resource(await deps.settings.get(merchantId));
}

/** Replaces the merchant's settings (the same request twice leaves the same settings). */
export async function putMerchantSettings(
  deps: MerchantSettingsDeps,
  merchantId: string,
  request: MerchantSettingsRequest,
): Promise<MerchantSettingsResource> {
  return resource(await deps.settings.put(merchantId, { notificationEmail: request.notificationEmail }));
}
