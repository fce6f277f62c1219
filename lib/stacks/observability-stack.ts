import { Aws, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { ServiceFunction } from '../constructs/service-function';
import type { ApiStack } from './api-stack';
import { alarmTopicName, plainRemovalPolicy, type RamPayStackProps } from './names';

export interface ObservabilityStackProps extends RamPayStackProps {
  api: ApiStack;
  functions: Record<string, ServiceFunction>;
}

/**
 * The alarm topic (e-mail subscriptions from config) and the environment's dashboard. The topic has a fixed
 * name so alarms declared in other stacks (the event-consumer construct's DLQ alarms) can target it without a
 * cross-stack reference. The analytics issue (7) fills the dashboard and the alarms; this stack lays the base.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config } = props;

    const key = new kms.Key(this, 'AlarmKey', {
      alias: `alias/rampay-${config.name}-alarms`,
      description: 'RamPay alarm topic',
      enableKeyRotation: true,
      removalPolicy: plainRemovalPolicy(config),
    });
    // CloudWatch publishes to the encrypted topic on the account's behalf.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: alarmTopicName(config),
      displayName: `RamPay ${config.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of config.alarms.emails) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const alarmAction = new actions.SnsAction(this.alarmTopic);

    const api = props.api;
    const apiId = api.api.apiId;
    const apiMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: apiId },
        statistic,
        period: Duration.minutes(1),
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `RamPay-${config.name}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# RamPay ${config.name}\nAPI, functions. Queues, fraud and business metrics: issue 7 (analytics).`,
        width: 24,
        height: 2,
      }),
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [apiMetric('Count', 'Sum'), apiMetric('4xx', 'Sum'), apiMetric('5xx', 'Sum')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency',
        left: [apiMetric('Latency', 'p50'), apiMetric('Latency', 'p99')],
        width: 12,
      }),
    );
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: fns.map(([id, f]) => f.function.metricErrors({ label: id, period: Duration.minutes(1) })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99',
        left: fns.map(([id, f]) =>
          f.function.metricDuration({ label: id, statistic: 'p99', period: Duration.minutes(1) }),
        ),
        width: 12,
      }),
    );

    const api5xx = new cloudwatch.Alarm(this, 'Api5xxAlarm', {
      alarmName: `rampay-${config.name}-api-5xx`,
      alarmDescription:
        'The API answered 5xx: a handler failed in a way it should have turned into a problem',
      metric: apiMetric('5xx', 'Sum'),
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    api5xx.addAlarmAction(alarmAction);

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=RamPay-${config.name}`,
    });
  }
}
