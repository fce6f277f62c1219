/**
 * Business metrics to CloudWatch through Powertools Metrics (EMF lines on stdout, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into metrics). Names, units and dimension sets come from the metric
 * catalogue (functions/shared/metrics/catalogue.ts): namespace RamPay, dimensions service and environment
 * (RAMPAY_ENV), and per currency and per merchant. Where RAMPAY_ENV is not set (the local platform, tests)
 * nothing is printed; the local platform may take the signals instead (useLocalBusinessMetrics).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from '../shared/logger';
import { RAMPAY_METRICS, RAMPAY_NAMESPACE } from '../shared/metrics/catalogue';
import type { MerchantSignal } from './rollup';

export const METRICS_NAMESPACE = RAMPAY_NAMESPACE;

export interface BusinessMetrics {
  /** Buffers the signals of committed events. */
  record(signals: readonly MerchantSignal[]): void;
  /** Flushes the buffer. */
  publish(): void;
}

/** The dimension each signal field fills. */
function dimensionValue(signal: MerchantSignal, dimension: string): string | undefined {
  if (dimension === 'currency') return signal.currency;
  if (dimension === 'merchant') return signal.merchantId;
  return undefined;
}

/**
 * One EMF line per merchant, currency and shape of dimension sets, each metric with the dimension sets the
 * catalogue declares for it; `newMetrics` makes a Metrics with the namespace, service and environment.
 */
export function emfBusinessMetrics(newMetrics: () => Metrics): BusinessMetrics {
  let pending: MerchantSignal[] = [];
  return {
    record(signals) {
      pending.push(...signals);
    },
    publish() {
      const groups = new Map<string, Metrics>();
      for (const signal of pending) {
        const definition = RAMPAY_METRICS[signal.metric];
        const key = JSON.stringify([signal.merchantId, signal.currency, definition.dimensionSets]);
        let metrics = groups.get(key);
        if (!metrics) {
          metrics = newMetrics();
          for (const set of definition.dimensionSets) {
            const extra: Record<string, string> = {};
            for (const dimension of set) {
              const value = dimensionValue(signal, dimension);
              if (value !== undefined) extra[dimension] = value;
            }
            metrics.addDimensions(extra);
          }
          groups.set(key, metrics);
        }
        metrics.addMetric(signal.metric, MetricUnit[definition.unit], signal.value);
      }
      pending = [];
      for (const metrics of groups.values()) metrics.publishStoredMetrics();
    },
  };
}

let localSink: BusinessMetrics | undefined;

/** Where the business metrics go when no environment is set (the local platform's Prometheus registry). */
export function useLocalBusinessMetrics(sink: BusinessMetrics | undefined): void {
  localSink = sink;
}

const localMetrics: BusinessMetrics = {
  record: (signals) => localSink?.record(signals),
  publish: () => localSink?.publish(),
};

/**
 * Powertools warns whenever two dimension sets share a key; here they share currency on purpose (its total and
 * its per-merchant series), so that warning is dropped and every other message goes to the shared logger.
 */
const metricsLogger = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => {
    if (/defined as both a dimension set and dimension set/.test(String(args[0]))) return;
    logger.warn(String(args[0]));
  },
  error: (...args: unknown[]) => logger.error(String(args[0])),
};

export function createBusinessMetrics(env: NodeJS.ProcessEnv = process.env): BusinessMetrics {
  if (!env.RAMPAY_ENV) return localMetrics;
  const environment = env.RAMPAY_ENV;
  return emfBusinessMetrics(
    () =>
      new Metrics({
        namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
        serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'analytics',
        defaultDimensions: { environment },
        logger: metricsLogger,
      }),
  );
}
