import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { reviewReads } from '../composition';
import { listReviewsQuerySchema } from '../schemas';
import { listOperatorReviews } from '../use-cases/reviews';

export const route = defineRoute({
  name: 'ListOperatorReviews',
  method: 'GET',
  path: '/operator/reviews',
  scope: 'reviews:operate',
  summary:
    "The fraud operators' review queue: every merchant's open items, oldest first, each with its merchant",
  query: listReviewsQuerySchema,
  response: { status: 200, schema: 'OperatorReviewList' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event }) => {
  const query = parseQuery(event, listReviewsQuerySchema);
  const page = await listOperatorReviews(await reviewReads(), query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
