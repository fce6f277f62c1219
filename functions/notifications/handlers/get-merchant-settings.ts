import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { merchantSettingsDeps } from '../composition';
import { getMerchantSettings } from '../use-cases/merchant-settings';

export const route = defineRoute({
  name: 'GetMerchantSettings',
  method: 'GET',
  path: '/merchant/settings',
  scope: 'settings:read',
  summary: "The merchant's settings: where RamPay e-mails its notices",
  response: { status: 200, schema: 'MerchantSettings' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ caller }) => ({
  status: 200,
  body: await getMerchantSettings(await merchantSettingsDeps(), caller.merchantId),
}));
