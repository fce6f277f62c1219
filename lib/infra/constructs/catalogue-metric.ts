import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  RAMPAY_METRICS,
  RAMPAY_NAMESPACE,
  type RamPayMetricName,
} from '../../../functions/shared/metrics/catalogue';

/** One of RamPay's metrics of the catalogue, its series for the environment (service and environment only). */
export function ramPayMetric(
  name: RamPayMetricName,
  options: { environment: string; statistic: string; period: Duration; label?: string; namespace?: string },
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: options.namespace ?? RAMPAY_NAMESPACE,
    metricName: RAMPAY_METRICS[name].name,
    dimensionsMap: { service: RAMPAY_METRICS[name].service, environment: options.environment },
    statistic: options.statistic,
    period: options.period,
    label: options.label,
  });
}
