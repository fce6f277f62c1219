import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { reviewReads } from '../composition';
import { listReviewsQuerySchema } from '../schemas';
import { listReviews } from '../use-cases/reviews';

export const route = defineRoute({
  name: 'ListReviews',
  method: 'GET',
  path: '/reviews',
  scope: 'reviews:read',
  summary: 'The manual review queue: open items, oldest first, with payment, risk score and reasons',
  query: listReviewsQuerySchema,
  response: { status: 200, schema: 'ReviewList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const query = parseQuery(event, listReviewsQuerySchema);
  const page = await listReviews(await reviewReads(), caller.merchantId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
