import { parsePaymentId } from '../../domain/payment-id';
import { apiHandler } from '../../shared/http/api-handler';
import { listResource } from '../../shared/http/pagination';
import { parseQuery, pathParameter } from '../../shared/http/request';
import { listNotificationsDeps } from '../composition';
import { listNotificationsQuerySchema } from '../schemas';
import { listNotifications } from '../use-cases/list-notifications';

export const handler = apiHandler('audit:read', async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const query = parseQuery(event, listNotificationsQuerySchema);
  const page = await listNotifications(await listNotificationsDeps(), caller.merchantId, paymentId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
