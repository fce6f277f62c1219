import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery, pathParameter } from '../../shared/http/request';
import { parsePaymentId } from '../../payments/payment-id';
import { listResource } from '../../payments/resources';
import { listNotificationsQuerySchema } from '../schemas';
import { listNotifications } from '../use-cases/list-notifications';
import { listNotificationsDeps } from '../read-wiring';

export const handler = apiHandler('audit:read', async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const query = parseQuery(event, listNotificationsQuerySchema);
  const page = await listNotifications(await listNotificationsDeps(), caller.merchantId, paymentId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
