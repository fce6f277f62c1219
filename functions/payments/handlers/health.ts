import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { logger } from '../../shared/logger';
import { errorFacts } from '../../shared/error-facts';
import { paymentReads } from '../composition';

export const route = defineRoute({
  name: 'Health',
  method: 'GET',
  path: '/health',
  scope: 'public',
  summary: 'Liveness and database reachability',
  response: { status: 200, schema: 'Health' },
  function: {
    database: true,
    publishes: [],
    description: 'GET /health (liveness and database reachability)',
  },
});

/** Liveness plus database reachability; a database that does not answer makes it a 503. */
export const handler = apiHandler(route, async () => {
  try {
    const deps = await paymentReads();
    await deps.store.ping();
    return { status: 200, body: { status: 'ok', database: 'reachable' } };
  } catch (error) {
    logger.warn('health check: database unreachable', errorFacts(error));
    return { status: 503, body: { status: 'degraded', database: 'unreachable' } };
  }
});
