import { apiHandler } from '../../shared/http/api-handler';
import { logger } from '../../shared/logger';
import { errorFacts } from '../../shared/error-facts';
import { paymentReads } from '../read-wiring';

/** Liveness plus database reachability; a database that does not answer makes it a 503. */
export const handler = apiHandler('public', async () => {
  try {
    const deps = await paymentReads();
    await deps.store.ping();
    return { status: 200, body: { status: 'ok', database: 'reachable' } };
  } catch (error) {
    logger.warn('health check: database unreachable', errorFacts(error));
    return { status: 503, body: { status: 'degraded', database: 'unreachable' } };
  }
});
