import { parsePaymentId } from '../../domain/payment-id';
import { apiHandler } from '../../shared/http/api-handler';
import { listResource } from '../../shared/http/pagination';
import { defineRoute } from '../../shared/http/route';
import { parseQuery, pathParameter } from '../../shared/http/request';
import { listNotificationsDeps } from '../composition';
import { listNotificationsQuerySchema } from '../schemas';
import { listNotifications } from '../use-cases/list-notifications';

export const route = defineRoute({
  name: 'ListNotifications',
  method: 'GET',
  path: '/payments/{id}/notifications',
  scope: 'audit:read',
  summary: "A payment's notification audit log: every e-mail and SMS attempt and suppression, oldest first",
  query: listNotificationsQuerySchema,
  response: { status: 200, schema: 'NotificationList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const query = parseQuery(event, listNotificationsQuerySchema);
  const page = await listNotifications(await listNotificationsDeps(), caller.merchantId, paymentId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
