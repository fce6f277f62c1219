import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { paymentReads } from '../composition';
import { paymentResource } from '../resources';
import { listPaymentsQuerySchema } from '../schemas';
import { listPayments } from '../use-cases/queries';

export const handler = apiHandler('payments:read', async ({ event, caller }) => {
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
