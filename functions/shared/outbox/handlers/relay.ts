import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { sharedSql } from '../../db/connection';
import { logger } from '../../logger';
import { RAMPAY_METRICS, RAMPAY_NAMESPACE } from '../../metrics/catalogue';
import { sharedPublisher } from '../publisher';
import { relayPending } from '../use-cases/publish-committed';

// The observability stack alarms on OutboxOldestPendingAge (outbox backlog older than its threshold).
const backlog = RAMPAY_METRICS.OutboxOldestPendingAge;
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? RAMPAY_NAMESPACE,
  serviceName: backlog.service,
  defaultDimensions: { environment: process.env.RAMPAY_ENV ?? 'local' },
});

/** Scheduled (every minute): publishes outbox events that were not published right after their commit. */
export const handler = async (): Promise<{
  published: number;
  failed: number;
  oldestPendingAgeSeconds: number;
}> => {
  const outcome = await relayPending(await sharedSql(), sharedPublisher());
  logger.info('outbox relay run', { ...outcome });
  metrics.addMetric(backlog.name, MetricUnit[backlog.unit], outcome.oldestPendingAgeSeconds);
  metrics.publishStoredMetrics();
  return outcome;
};
