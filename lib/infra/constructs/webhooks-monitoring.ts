/**
 * Webhooks' own alarms and dashboard row (the queue, its DLQ and its DLQ alarm come with the event consumer and
 * the operations dashboard): the share of attempts that failed over 15 minutes, and how long the oldest due
 * delivery has waited (the sweep's figure: deliveries are due but nothing wakes them). Both from the metrics of
 * functions/webhooks/metrics.ts.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RamPayMetricName } from '../../../functions/shared/metrics/catalogue';
import { ramPayMetric } from './catalogue-metric';
import { topicAlarm } from './topic-alarm';

export interface WebhooksMonitoringProps {
  environment: string;
  alarmTopic: sns.ITopic;
  dashboard: cloudwatch.Dashboard;
  namespace?: string;
  /** Alarm when more than this share of attempts failed over 15 minutes (default 0.5). */
  failureRate?: number;
  /** ...counting only when at least this many attempts were made (default 20). */
  minimumAttempts?: number;
  /** Alarm when the oldest due delivery has waited longer than this (default 10 minutes). */
  oldestDue?: Duration;
}

const PERIOD = Duration.minutes(15);

export class WebhooksMonitoring extends Construct {
  readonly failureRateAlarm: cloudwatch.Alarm;
  readonly oldestDueAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebhooksMonitoringProps) {
    super(scope, id);
    const env = props.environment;
    const metric = (name: RamPayMetricName, statistic: string, period: Duration, label: string) =>
      ramPayMetric(name, { environment: env, statistic, period, label, namespace: props.namespace });
    const delivered = metric('WebhookAttemptsDelivered', 'Sum', PERIOD, 'delivered');
    const failed = metric('WebhookAttemptsFailed', 'Sum', PERIOD, 'failed');
    const oldestDue = metric('WebhookOldestDueSeconds', 'Maximum', Duration.minutes(1), 'oldest due (s)');
    const minimum = props.minimumAttempts ?? 20;
    const failureRate = new cloudwatch.MathExpression({
      expression: `IF(delivered + failed >= ${minimum}, failed / (delivered + failed), 0)`,
      usingMetrics: { delivered, failed },
      period: PERIOD,
      label: 'failed share of attempts',
    });
    const alarm = (alarmId: string, options: cloudwatch.AlarmProps) =>
      topicAlarm(this, alarmId, props.alarmTopic, options);
    this.failureRateAlarm = alarm('FailureRate', {
      alarmName: `rampay-${env}-webhooks-failure-rate`,
      alarmDescription:
        "More than half of the webhook attempts failed over 15 minutes: merchants' endpoints are down, or RamPay's " +
        'egress is. See the delivery log (GET /webhook-endpoints/{id}/deliveries) and the consumer logs.',
      metric: failureRate,
      threshold: props.failureRate ?? 0.5,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.oldestDueAlarm = alarm('OldestDue', {
      alarmName: `rampay-${env}-webhooks-oldest-due`,
      alarmDescription:
        'A webhook delivery has been due for longer than it should: the sweep or the webhooks consumer is not ' +
        'keeping up (or failing). Check the WebhooksSweep and WebhooksConsumer logs and the webhooks queue.',
      metric: oldestDue,
      threshold: (props.oldestDue ?? Duration.minutes(10)).toSeconds(),
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    props.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhook attempts (per 15 min)',
        left: [delivered, failed],
        right: [failureRate],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Oldest due webhook delivery',
        left: [oldestDue],
        leftAnnotations: [{ value: (props.oldestDue ?? Duration.minutes(10)).toSeconds(), label: 'alarm' }],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Webhook alarms',
        alarms: [this.failureRateAlarm, this.oldestDueAlarm],
        width: 8,
      }),
    );
  }
}
