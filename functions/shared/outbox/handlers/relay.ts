import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { sharedSql } from '../../db/connection';
import { logger } from '../../logger';
import { sharedPublisher } from '../publisher';
import { relayPending } from '../use-cases/publish-committed';

// The observability stack alarms on OutboxOldestPendingAge (outbox backlog older than its threshold).
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'RamPay',
  serviceName: 'outbox',
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
  metrics.addMetric('OutboxOldestPendingAge', MetricUnit.Seconds, outcome.oldestPendingAgeSeconds);
  metrics.publishStoredMetrics();
  return outcome;
};
