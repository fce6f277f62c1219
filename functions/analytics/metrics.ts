/**
 * Business metrics to CloudWatch through Powertools Metrics (EMF lines on stdout, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into metrics). Namespace RamPay, dimension environment (RAMPAY_ENV).
 * Where RAMPAY_ENV is not set (the local platform, tests) nothing is printed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Signal } from './rollup';

export const METRICS_NAMESPACE = 'RamPay';

export interface BusinessMetrics {
  /** Buffers the signals of committed events. */
  record(signals: readonly Signal[]): void;
  /** Flushes the buffer (one EMF line per 100 values). */
  publish(): void;
}

export function emfBusinessMetrics(metrics: Metrics): BusinessMetrics {
  return {
    record(signals) {
      for (const signal of signals) {
        switch (signal.metric) {
          case 'DecisionLatency':
            metrics.addMetric(signal.metric, MetricUnit.Milliseconds, signal.value);
            break;
          case 'RefundedAmount': {
            // Minor units of different currencies never add up: one series per currency.
            const single = metrics.singleMetric();
            single.addDimension('currency', signal.currency);
            single.addMetric(signal.metric, MetricUnit.Count, signal.value);
            break;
          }
          default:
            metrics.addMetric(signal.metric, MetricUnit.Count, signal.value);
        }
      }
    },
    publish() {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}

const noMetrics: BusinessMetrics = { record: () => undefined, publish: () => undefined };

export function createBusinessMetrics(env: NodeJS.ProcessEnv = process.env): BusinessMetrics {
  if (!env.RAMPAY_ENV) return noMetrics;
  return emfBusinessMetrics(
    new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
      serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'analytics',
      defaultDimensions: { environment: env.RAMPAY_ENV },
    }),
  );
}
