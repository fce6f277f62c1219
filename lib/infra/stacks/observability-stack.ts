import { Aws, CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { ConsumerName } from '../../../functions/shared/events/topology';
import type { EventConsumer } from '../constructs/event-consumer';
import { GrafanaWorkspace } from '../constructs/grafana-workspace';
import { OperationsDashboard } from '../constructs/operations-dashboard';
import { CacheMonitoring } from '../constructs/cache-monitoring';
import { FraudDriftMonitoring } from '../constructs/fraud-drift-monitoring';
import { WebhooksMonitoring } from '../constructs/webhooks-monitoring';
import type { ServiceFunction } from '../constructs/service-function';
import type { DataStack } from './data-stack';
import type { ApiStack } from './api-stack';
import { alarmTopicName, plainRemovalPolicy, type RamPayStackProps } from './names';

export interface ObservabilityStackProps extends RamPayStackProps {
  api: ApiStack;
  data: DataStack;
  /** Every function, by its id in the function table. */
  functions: Record<string, ServiceFunction>;
  consumers: Partial<Record<ConsumerName, EventConsumer>>;
}

/**
 * The alarm topic (e-mail subscriptions from config) and the environment's dashboard. The topic has a fixed
 * name so alarms declared in other stacks (the event-consumer construct's DLQ alarms) can target it without a
 * cross-stack reference. The dashboard's widgets and the alarms come from the OperationsDashboard construct.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly operations: OperationsDashboard;
  readonly cache: CacheMonitoring;
  /** Present with the fraud drift function. */
  readonly fraudDrift?: FraudDriftMonitoring;
  /** Present when the environment's config enables it (`grafana.enabled`). */
  readonly grafana?: GrafanaWorkspace;

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
      tracingConfig: sns.TracingConfig.ACTIVE,
    });
    for (const email of config.alarms.emails) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `RamPay-${config.name}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# RamPay ${config.name}\nAPI, functions, queues and DLQs, database, business metrics. Alarms go to \`${alarmTopicName(config)}\`.`,
        width: 24,
        height: 2,
      }),
    );
    // Widgets and alarms: API, every function, every consumer queue and DLQ (reusing the DLQ alarms
    // the EventConsumer construct made), database and proxy, business metrics, outbox backlog.
    this.operations = new OperationsDashboard(this, 'Operations', {
      environment: config.name,
      alarmTopic: this.alarmTopic,
      api: props.api.api,
      functions: Object.fromEntries(Object.entries(props.functions).map(([id, f]) => [id, f.function])),
      queues: Object.fromEntries(
        Object.entries(props.consumers).map(([name, c]) => [
          name,
          { queue: c.queue, deadLetterQueue: c.deadLetterQueue, dlqAlarm: c.dlqAlarm },
        ]),
      ),
      database: { instance: props.data.instance, proxy: props.data.proxy },
      dashboard: this.dashboard,
      thresholds: config.alarms.thresholds,
    });
    this.cache = new CacheMonitoring(this, 'Cache', {
      environment: config.name,
      cacheName: props.data.cache.cacheName,
      alarmTopic: this.alarmTopic,
      dashboard: this.dashboard,
    });
    // The fraud rate is a 15-minute ratio of per-minute counts: the expression's period replacing its metrics'
    // is the intent, not an accident.
    if (props.consumers.webhooks) {
      const webhooks = new WebhooksMonitoring(this, 'Webhooks', {
        environment: config.name,
        alarmTopic: this.alarmTopic,
        dashboard: this.dashboard,
      });
      Validations.of(webhooks).acknowledge({
        id: 'Annotation::CloudWatch:Math:MetricsPeriodsOverridden',
        reason: 'The webhook failure share sums attempts over 15 minutes by design.',
      });
    }
    if (props.functions.FraudDrift) {
      this.fraudDrift = new FraudDriftMonitoring(this, 'FraudDrift', {
        environment: config.name,
        alarmTopic: this.alarmTopic,
        dashboard: this.dashboard,
        psiAlarm: config.fraud.drift.psiAlarm,
      });
    }
    for (const scope of [this.dashboard, this.operations]) {
      Validations.of(scope).acknowledge({
        id: 'Annotation::CloudWatch:Math:MetricsPeriodsOverridden',
        reason:
          'The fraud-rate expression sums per-minute PaymentsCreated/AnomaliesDetected over 15 minutes by design; its period overriding theirs is intended.',
      });
    }

    if (config.grafana.enabled) {
      // The operations dashboard's text-box variables (lib/grafana/operations.ts), filled with this deployment's names.
      this.grafana = new GrafanaWorkspace(this, 'Grafana', {
        environment: config.name,
        authenticationProviders: config.grafana.authenticationProviders,
        removalPolicy: plainRemovalPolicy(config),
        logRetentionDays: config.logRetentionDays,
        variables: {
          api_id: props.api.api.apiId,
          db_instance: props.data.instance.instanceIdentifier,
          ...Object.fromEntries(
            Object.entries(props.consumers).flatMap(([name, c]) => [
              [`queue_${name}`, c.queue.queueName],
              [`dlq_${name}`, c.deadLetterQueue.queueName],
            ]),
          ),
        },
      });
      new CfnOutput(this, 'GrafanaUrl', { value: `https://${this.grafana.workspace.attrEndpoint}` });
    }

    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=RamPay-${config.name}`,
    });
  }
}
