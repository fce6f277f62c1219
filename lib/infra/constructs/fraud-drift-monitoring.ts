/**
 * The fraud model's drift alarms and dashboard row, from the metrics the daily drift function publishes
 * (functions/fraud/drift-metrics.ts, one datapoint a day just after midnight UTC): the risk score's population
 * stability index (PSI) against the model's training window, the highest feature PSI, each feature's PSI, the
 * score's distribution and the day's assessments.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  RAMPAY_METRICS,
  RAMPAY_NAMESPACE,
  type RamPayMetricName,
} from '../../../functions/shared/metrics/catalogue';
import { ramPayMetric } from './catalogue-metric';
import { topicAlarm } from './topic-alarm';

export interface FraudDriftMonitoringProps {
  environment: string;
  alarmTopic: sns.ITopic;
  dashboard: cloudwatch.Dashboard;
  /** Alarm when the score's PSI, or the highest feature PSI, of a day reaches this. */
  psiAlarm: number;
}

const DAY = Duration.days(1);
const WHAT_TO_DO =
  'See docs/operations.md (fraud model drift): npm run model:monitor shows which days and features moved; ' +
  'retrain (npm run model:train -- --from-database), deploy the candidate as fraud.shadowModel, compare, then ' +
  'npm run model:promote.';

export class FraudDriftMonitoring extends Construct {
  readonly scoreDriftAlarm: cloudwatch.Alarm;
  readonly featureDriftAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FraudDriftMonitoringProps) {
    super(scope, id);
    const env = props.environment;
    const metric = (name: RamPayMetricName, label: string) =>
      ramPayMetric(name, { environment: env, statistic: 'Maximum', period: DAY, label });
    /** Every series of a metric published per `dimension` (one per feature, one per score band). */
    const each = (name: RamPayMetricName, dimension: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${RAMPAY_NAMESPACE},service,environment,${dimension}} MetricName="${RAMPAY_METRICS[name].name}" service="fraud" environment="${env}"', 'Maximum', 86400)`,
        label,
        period: DAY,
      });
    const scorePsi = metric('ScorePsi', 'score PSI');
    const maxFeaturePsi = metric('MaxFeaturePsi', 'highest feature PSI');
    const assessments = metric('DriftAssessments', 'assessments of the day');

    const alarm = (
      alarmId: string,
      options: Pick<cloudwatch.AlarmProps, 'alarmName' | 'alarmDescription' | 'metric'>,
    ) =>
      topicAlarm(this, alarmId, props.alarmTopic, {
        // No datapoint: the day was not measured (too few assessments) or the function has not run yet; its
        // errors alarm with every function's.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        threshold: props.psiAlarm,
        ...options,
      });
    this.scoreDriftAlarm = alarm('ScoreDrift', {
      alarmName: `rampay-${env}-fraud-score-drift`,
      alarmDescription:
        `The fraud model's risk scores of a day moved away from its training window (PSI >= ${props.psiAlarm}): ` +
        'the share of payments it reviews, holds and declines is no longer the one its thresholds were chosen for. ' +
        WHAT_TO_DO,
      metric: scorePsi,
    });
    this.featureDriftAlarm = alarm('FeatureDrift', {
      alarmName: `rampay-${env}-fraud-feature-drift`,
      alarmDescription:
        `A feature the fraud model reads moved away from its training window over a day (PSI >= ${props.psiAlarm}): ` +
        'the traffic is not the traffic the model learned from (new merchants, currencies, a rates table or ' +
        'feature store problem, or a fraud wave). ' +
        WHAT_TO_DO,
      metric: maxFeaturePsi,
    });

    const threshold = [{ value: props.psiAlarm, label: 'alarm' }];
    props.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Fraud model drift (PSI per day)',
        left: [scorePsi, maxFeaturePsi],
        leftAnnotations: threshold,
        right: [assessments],
        period: DAY,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Fraud model drift per feature (PSI)',
        left: [each('FeaturePsi', 'feature', '')],
        leftAnnotations: threshold,
        period: DAY,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Fraud risk score per day (% of payments per band)',
        left: [each('ScoreShare', 'scoreBin', '')],
        stacked: true,
        period: DAY,
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({
        title: 'Fraud model drift alarms',
        alarms: [this.scoreDriftAlarm, this.featureDriftAlarm],
        width: 24,
        height: 3,
      }),
    );
  }
}
