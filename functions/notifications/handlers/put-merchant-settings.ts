import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody } from '../../shared/http/request';
import { merchantSettingsDeps } from '../composition';
import { merchantSettingsRequestSchema } from '../schemas';
import { putMerchantSettings } from '../use-cases/merchant-settings';

export const route = defineRoute({
  name: 'PutMerchantSettings',
  method: 'PUT',
  path: '/merchant/settings',
  scope: 'settings:write',
  summary: "Replaces the merchant's settings (null clears one); the same request again changes nothing",
  request: merchantSettingsRequestSchema,
  response: { status: 200, schema: 'MerchantSettings' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const request = parseBody(event, merchantSettingsRequestSchema);
  return {
    status: 200,
    body: await putMerchantSettings(await merchantSettingsDeps(), caller.merchantId, request),
  };
});
