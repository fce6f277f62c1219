import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { paymentReads } from '../composition';
import { paymentResource } from '../resources';
import { listPaymentsQuerySchema } from '../schemas';
import { listPayments } from '../use-cases/queries';

export const route = defineRoute({
  name: 'ListPayments',
  method: 'GET',
  path: '/payments',
  scope: 'payments:read',
  summary: 'List payments, newest first',
  query: listPaymentsQuerySchema,
  response: { status: 200, schema: 'PaymentList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, listPaymentsQuerySchema);
  const page = await listPayments(await paymentReads(), caller.merchantId, query);
  return {
    status: 200,
    body: listResource(
      page.items.map((p) => paymentResource(p)),
      page.hasMore,
    ),
  };
});
