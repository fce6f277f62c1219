/**
 * The environment's operations view: one CloudWatch dashboard and the alarms behind it, all alarms to
 * the alarm topic. Widgets: API requests, 4xx, 5xx, latency p50/p99; per function invocations, errors,
 * throttles, duration p99, concurrency; per consumer queue visible messages and age of the oldest, and its DLQ
 * depth; RDS CPU, connections, free storage and RDS Proxy client connections; the business metrics the analytics
 * consumer emits (namespace RamPay); the outbox backlog the relay emits. Alarms: every DLQ >= 1 message, every
 * queue's oldest message age, every function's error rate, API 5xx rate and p99 latency, RDS CPU and free
 * storage, outbox backlog age, and the fraud rate above its anomaly-detection band.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ramPayMetric } from './catalogue-metric';
import { topicAlarm } from './topic-alarm';
import {
  RAMPAY_METRICS,
  RAMPAY_NAMESPACE,
  type RamPayMetricName,
} from '../../../functions/shared/metrics/catalogue';

export interface OperationsThresholds {
  /** Alarm when a consumer queue's oldest message is older than this. */
  queueOldestMessageAgeSeconds: number;
  /** Alarm when a function's errors / invocations exceed this, in percent. */
  functionErrorRatePercent: number;
  /** Alarm when the API's 5xx / requests exceed this, in percent. */
  api5xxRatePercent: number;
  /** Alarm when the API's p99 latency exceeds this. */
  apiLatencyP99Ms: number;
  rdsCpuPercent: number;
  /** Alarm when the instance's free storage falls under this. */
  rdsFreeStorageGiB: number;
  /** Alarm when the oldest unpublished outbox event is older than this (the relay's OutboxOldestPendingAge). */
  outboxOldestPendingSeconds: number;
  /** Width of the fraud rate's anomaly-detection band, in standard deviations. */
  fraudRateBandStdDevs: number;
  /** Minutes of breach (out of evaluationPeriods + 2) before most alarms fire. */
  evaluationPeriods: number;
}

export const DEFAULT_THRESHOLDS: OperationsThresholds = {
  queueOldestMessageAgeSeconds: 300,
  functionErrorRatePercent: 5,
  api5xxRatePercent: 1,
  apiLatencyP99Ms: 1000,
  rdsCpuPercent: 80,
  rdsFreeStorageGiB: 5,
  outboxOldestPendingSeconds: 120,
  fraudRateBandStdDevs: 3,
  evaluationPeriods: 3,
};

export interface ConsumerQueues {
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  /** The DLQ alarm the queue's construct already made (EventConsumer.dlqAlarm); made here when absent. */
  dlqAlarm?: cloudwatch.IAlarm;
}

export interface OperationsDashboardProps {
  /** The environment's name: dashboard and alarm names, and the `environment` dimension of RamPay's metrics. */
  environment: string;
  alarmTopic: sns.ITopic;
  api: apigwv2.IHttpApi;
  /** Every function by its id in the function table. */
  functions: Readonly<Record<string, lambda.IFunction>>;
  /** Every consumer's queue and DLQ, by consumer name. */
  queues: Readonly<Record<string, ConsumerQueues>>;
  database?: { instance: rds.IDatabaseInstance; proxy?: rds.IDatabaseProxy };
  thresholds?: Partial<OperationsThresholds>;
  /** Add the widgets to this dashboard instead of making one. */
  dashboard?: cloudwatch.Dashboard;
  /** The Powertools Metrics namespace (POWERTOOLS_METRICS_NAMESPACE). */
  namespace?: string;
}

const MINUTE = Duration.minutes(1);
const FRAUD_RATE_PERIOD = Duration.minutes(15);

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.IAlarm[] = [];
  readonly thresholds: OperationsThresholds;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const t = (this.thresholds = { ...DEFAULT_THRESHOLDS, ...props.thresholds });
    const env = props.environment;
    const action = new actions.SnsAction(props.alarmTopic);
    const namespace = props.namespace ?? RAMPAY_NAMESPACE;
    this.dashboard =
      props.dashboard ??
      new cloudwatch.Dashboard(this, 'Dashboard', {
        dashboardName: `RamPay-${env}-operations`,
        defaultInterval: Duration.hours(3),
      });
    const alarm = (alarmId: string, options: cloudwatch.AlarmProps) => {
      const a = topicAlarm(this, alarmId, props.alarmTopic, {
        ...options,
        alarmName: `rampay-${env}-${options.alarmName}`,
      });
      this.alarms.push(a);
      return a;
    };
    const recent = { evaluationPeriods: t.evaluationPeriods + 2, datapointsToAlarm: t.evaluationPeriods };
    // RamPay's own metrics, as the catalogue declares them (functions/shared/metrics/catalogue.ts).
    const business = (metricName: RamPayMetricName, statistic = 'Sum', label?: string) =>
      ramPayMetric(metricName, { environment: env, statistic, period: MINUTE, label, namespace });

    // API
    const api = props.api;
    const apiRequests = api.metricCount({ period: MINUTE, statistic: 'Sum', label: 'requests' });
    const api5xx = api.metricServerError({ period: MINUTE, statistic: 'Sum', label: '5xx' });
    const api4xx = api.metricClientError({ period: MINUTE, statistic: 'Sum', label: '4xx' });
    const apiP99 = api.metricLatency({ period: MINUTE, statistic: 'p99', label: 'p99' });
    const api5xxRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests: apiRequests, errors: api5xx },
      period: MINUTE,
      label: '5xx rate %',
    });
    alarm('Api5xxRate', {
      alarmName: 'api-5xx-rate',
      alarmDescription: `API 5xx responses above ${t.api5xxRatePercent} % of requests`,
      metric: api5xxRate,
      threshold: t.api5xxRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...recent,
    });
    alarm('ApiLatencyP99', {
      alarmName: 'api-latency-p99',
      alarmDescription: `API p99 latency above ${t.apiLatencyP99Ms} ms`,
      metric: apiP99,
      threshold: t.apiLatencyP99Ms,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...recent,
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# RamPay ${env}: operations`, width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'API requests, 4xx, 5xx',
        left: [apiRequests, api4xx, api5xx],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency',
        left: [api.metricLatency({ period: MINUTE, statistic: 'p50', label: 'p50' }), apiP99],
        leftAnnotations: [{ value: t.apiLatencyP99Ms, label: 'p99 alarm' }],
        width: 12,
      }),
    );

    // Business metrics (analytics consumer) and the outbox backlog (relay).
    const created = business('PaymentsCreated', 'Sum', 'created');
    const anomalies = business('AnomaliesDetected', 'Sum', 'anomalies');
    const fraudRate = new cloudwatch.MathExpression({
      expression: 'IF(created > 0, anomalies / created, 0)',
      // A ratio over 15 minutes: per-minute counts are too few to mean much.
      usingMetrics: {
        created: business('PaymentsCreated').with({ period: FRAUD_RATE_PERIOD }),
        anomalies: business('AnomaliesDetected').with({ period: FRAUD_RATE_PERIOD }),
      },
      period: FRAUD_RATE_PERIOD,
      label: 'fraud rate',
    });
    const fraudAlarm = new cloudwatch.AnomalyDetectionAlarm(this, 'FraudRateAnomaly', {
      alarmName: `rampay-${env}-fraud-rate-anomaly`,
      alarmDescription: 'Fraud rate (anomalies / payments created) far above its usual level',
      metric: fraudRate,
      stdDevs: t.fraudRateBandStdDevs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    fraudAlarm.addAlarmAction(action);
    this.alarms.push(fraudAlarm);
    const outboxAge = business('OutboxOldestPendingAge', 'Maximum', 'oldest pending (s)');
    alarm('OutboxBacklog', {
      alarmName: 'outbox-backlog',
      alarmDescription: `Outbox events unpublished for more than ${t.outboxOldestPendingSeconds} s`,
      metric: outboxAge,
      threshold: t.outboxOldestPendingSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Payments',
        left: [
          created,
          business('PaymentsApproved', 'Sum', 'approved'),
          business('PaymentsFailed', 'Sum', 'failed'),
          anomalies,
        ],
        right: [fraudRate],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Decision latency (ms)',
        left: [business('DecisionLatency', 'p50', 'p50'), business('DecisionLatency', 'p99', 'p99')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Refunded amount (minor units, by currency) and outbox backlog',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${namespace},${RAMPAY_METRICS.RefundedAmount.dimensionSets[0]!.join(',')}} MetricName="${RAMPAY_METRICS.RefundedAmount.name}" environment="${env}"', 'Sum', 60)`,
            label: 'refunded',
            period: MINUTE,
          }),
        ],
        right: [outboxAge],
        rightAnnotations: [{ value: t.outboxOldestPendingSeconds, label: 'backlog alarm' }],
        width: 8,
      }),
    );

    // Functions
    const functionWidgets: cloudwatch.IWidget[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const invocations = fn.metricInvocations({ period: MINUTE, statistic: 'Sum', label: 'invocations' });
      const errors = fn.metricErrors({ period: MINUTE, statistic: 'Sum', label: 'errors' });
      alarm(`${name}ErrorRate`, {
        alarmName: `${name}-error-rate`,
        alarmDescription: `${name}: errors above ${t.functionErrorRatePercent} % of invocations`,
        metric: new cloudwatch.MathExpression({
          expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
          usingMetrics: { invocations, errors },
          period: MINUTE,
          label: 'error rate %',
        }),
        threshold: t.functionErrorRatePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...recent,
      });
      functionWidgets.push(
        new cloudwatch.GraphWidget({
          title: `Function ${name}`,
          left: [
            invocations,
            errors,
            fn.metricThrottles({ period: MINUTE, statistic: 'Sum', label: 'throttles' }),
            fn.metric('ConcurrentExecutions', { period: MINUTE, statistic: 'Maximum', label: 'concurrency' }),
          ],
          right: [fn.metricDuration({ period: MINUTE, statistic: 'p99', label: 'duration p99 (ms)' })],
          width: 6,
          height: 5,
        }),
      );
    }
    this.dashboard.addWidgets(...functionWidgets);

    // Queues
    const queueWidgets: cloudwatch.IWidget[] = [];
    for (const [name, q] of Object.entries(props.queues)) {
      const oldest = q.queue.metricApproximateAgeOfOldestMessage({
        period: MINUTE,
        statistic: 'Maximum',
        label: 'oldest (s)',
      });
      const dlqDepth = q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: MINUTE,
        statistic: 'Maximum',
        label: 'DLQ depth',
      });
      alarm(`${name}QueueAge`, {
        alarmName: `${name}-queue-age`,
        alarmDescription: `${name}: a message has waited more than ${t.queueOldestMessageAgeSeconds} s`,
        metric: oldest,
        threshold: t.queueOldestMessageAgeSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ...recent,
      });
      if (q.dlqAlarm) this.alarms.push(q.dlqAlarm);
      else {
        alarm(`${name}DlqDepth`, {
          alarmName: `${name}-dlq-depth`,
          alarmDescription: `${name}: messages in the DLQ (inspect and replay with npm run dlq)`,
          metric: dlqDepth,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
        });
      }
      queueWidgets.push(
        new cloudwatch.GraphWidget({
          title: `Queue ${name}`,
          left: [
            q.queue.metricApproximateNumberOfMessagesVisible({
              period: MINUTE,
              statistic: 'Maximum',
              label: 'visible',
            }),
            dlqDepth,
          ],
          right: [oldest],
          width: 6,
          height: 5,
        }),
      );
    }
    this.dashboard.addWidgets(...queueWidgets);

    // Database
    if (props.database) {
      const { instance, proxy } = props.database;
      const cpu = instance.metricCPUUtilization({ period: MINUTE, label: 'CPU %' });
      const freeStorage = instance.metricFreeStorageSpace({
        period: MINUTE,
        statistic: 'Minimum',
        label: 'free storage (bytes)',
      });
      alarm('RdsCpu', {
        alarmName: 'rds-cpu',
        alarmDescription: `Database CPU above ${t.rdsCpuPercent} %`,
        metric: cpu,
        threshold: t.rdsCpuPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: t.evaluationPeriods + 2,
        datapointsToAlarm: t.evaluationPeriods + 2,
      });
      alarm('RdsStorage', {
        alarmName: 'rds-free-storage',
        alarmDescription: `Database free storage under ${t.rdsFreeStorageGiB} GiB`,
        metric: freeStorage,
        threshold: t.rdsFreeStorageGiB * 1024 ** 3,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
      });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Database CPU', left: [cpu], width: 8 }),
        new cloudwatch.GraphWidget({
          title: 'Database connections',
          left: [
            instance.metricDatabaseConnections({ period: MINUTE, statistic: 'Maximum', label: 'instance' }),
            ...(proxy
              ? [
                  new cloudwatch.Metric({
                    namespace: 'AWS/RDS',
                    metricName: 'ClientConnections',
                    dimensionsMap: { ProxyName: proxy.dbProxyName },
                    statistic: 'Maximum',
                    period: MINUTE,
                    label: 'proxy clients',
                  }),
                ]
              : []),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({ title: 'Database free storage', left: [freeStorage], width: 8 }),
      );
    }

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
  }
}
