import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface CacheMonitoringProps {
  environment: string;
  /** The serverless cache's name (its CloudWatch dimension clusterId). */
  cacheName: string;
  alarmTopic: sns.ITopic;
  dashboard: cloudwatch.Dashboard;
  /** p99 read latency above which the latency alarm fires (microseconds). */
  latencyP99Micros?: number;
}

/**
 * Alarms and dashboard widgets for the Valkey cache: errors (the API serving without rate limits because the
 * cache did not answer, and refused sign-ins), throttled commands, and p99 latency; plus its processing units,
 * memory and connections.
 */
export class CacheMonitoring extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: CacheMonitoringProps) {
    super(scope, id);
    const cache = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { clusterId: props.cacheName },
        statistic,
        period: Duration.minutes(1),
        label,
      });
    const unavailable = new cloudwatch.Metric({
      namespace: 'RamPay',
      metricName: 'RateLimitCacheUnavailable',
      dimensionsMap: { service: 'api', environment: props.environment },
      statistic: 'Sum',
      period: Duration.minutes(1),
      label: 'requests served without a rate limit',
    });
    const readLatency = cache('SuccessfulReadRequestLatency', 'p99', 'read p99 (µs)');
    const writeLatency = cache('SuccessfulWriteRequestLatency', 'p99', 'write p99 (µs)');
    const throttled = cache('ThrottledCmds', 'Sum', 'throttled commands');
    const authFailures = cache('UserAuthenticationFailures', 'Sum', 'refused sign-ins');

    const action = new actions.SnsAction(props.alarmTopic);
    const alarm = (
      alarmId: string,
      description: string,
      options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.Metric },
    ) => {
      const { metric, ...rest } = options;
      const created = metric.createAlarm(this, alarmId, {
        alarmName: `rampay-${props.environment}-cache-${alarmId.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...rest,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };
    alarm(
      'Unavailable',
      'The API could not reach Valkey and served requests without per-merchant rate limits (fail open). See docs/operations.md, "Valkey".',
      {
        metric: unavailable,
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      },
    );
    alarm(
      'AuthFailures',
      'Valkey refused sign-ins: the cache user or its secret is wrong; rate limits are open.',
      {
        metric: authFailures,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      },
    );
    alarm('Throttles', 'Valkey throttled commands: raise the ECPU ceiling (config cache.maxEcpuPerSecond).', {
      metric: throttled,
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('Latency', 'Valkey p99 read latency is high: every API request waits on it.', {
      metric: readLatency,
      threshold: props.latencyP99Micros ?? 2000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    props.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '## Valkey cache\nRate limits, replay markers, hot reads (docs/rate-limits.md).',
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cache latency p99 (µs)',
        left: [readLatency, writeLatency],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cache errors',
        left: [unavailable, authFailures, throttled],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cache load',
        left: [cache('ElastiCacheProcessingUnits', 'Sum', 'ECPUs')],
        right: [cache('CurrConnections', 'Maximum', 'connections')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cache memory (bytes)',
        left: [cache('BytesUsedForCache', 'Maximum', 'bytes used')],
        width: 6,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Cache alarms', alarms: this.alarms, width: 24, height: 2 }),
    );
  }
}
