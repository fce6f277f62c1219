/**
 * Webhook metrics through Powertools Metrics (EMF; namespace RamPay, dimensions service=webhooks and environment
 * from RAMPAY_ENV): each attempt's outcome, and the sweep's oldest due delivery. The webhooks alarms and dashboard
 * widgets read them (lib/infra/constructs/webhooks-monitoring.ts). Without RAMPAY_ENV (local, tests) nothing is
 * printed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttemptOutcome } from './use-cases/attempt-delivery';

export const WEBHOOK_METRICS = {
  delivered: 'WebhookAttemptsDelivered',
  failed: 'WebhookAttemptsFailed',
  oldestDue: 'WebhookOldestDueSeconds',
} as const;

export interface WebhookMetrics {
  attempted(outcomes: readonly AttemptOutcome[]): void;
  oldestDue(seconds: number): void;
  publish(): void;
}

const none: WebhookMetrics = {
  attempted: () => undefined,
  oldestDue: () => undefined,
  publish: () => undefined,
};

export function webhookMetrics(env: NodeJS.ProcessEnv = process.env): WebhookMetrics {
  if (!env.RAMPAY_ENV) return none;
  const metrics = new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'RamPay',
    serviceName: 'webhooks',
    defaultDimensions: { environment: env.RAMPAY_ENV },
  });
  return {
    attempted(outcomes) {
      const delivered = outcomes.filter((o) => o === 'delivered').length;
      const failed = outcomes.filter((o) => o === 'retrying' || o === 'failed').length;
      if (delivered > 0) metrics.addMetric(WEBHOOK_METRICS.delivered, MetricUnit.Count, delivered);
      if (failed > 0) metrics.addMetric(WEBHOOK_METRICS.failed, MetricUnit.Count, failed);
    },
    oldestDue(seconds) {
      metrics.addMetric(WEBHOOK_METRICS.oldestDue, MetricUnit.Seconds, seconds);
    },
    publish() {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
