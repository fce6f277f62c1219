import { apiHandler } from '../../shared/http/api-handler';
import { parseQuery } from '../../shared/http/request';
import { listResource } from '../../shared/http/pagination';
import { reviewReads } from '../composition';
import { listReviewsQuerySchema } from '../schemas';
import { listReviews } from '../use-cases/reviews';

export const handler = apiHandler('reviews:read', async ({ event, caller }) => {
  const query = parseQuery(event, listReviewsQuerySchema);
  const page = await listReviews(await reviewReads(), caller.merchantId, query);
  return { status: 200, body: listResource(page.items, page.hasMore) };
});
