import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { EventConsumer } from './event-consumer';

export interface OperatorPolicyProps {
  /** The environment's name: the policy is `rampay-<env>-operator`. */
  environment: string;
  consumers: readonly { consumer: EventConsumer; logGroup?: logs.ILogGroup }[];
  /** The key the consumers' queues are encrypted with. */
  queueKey: kms.IKey;
}

/**
 * What an operator's role needs for `npm run dlq` against this stack, as a managed policy to attach to the
 * operators' roles (SSO permission sets, break-glass roles): read the stack's outputs, peek at and delete from each
 * consumer's DLQs, move their messages back (a message move task) or send them to the consumer's queue, read why
 * they failed in the consumer's log group, and the DLQ depth metrics. Nothing about payments or the database.
 */
export class OperatorPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const dlqs = props.consumers.flatMap(({ consumer }) => [
      consumer.deadLetterQueue.queueArn,
      consumer.subscriptionDeadLetterQueue.queueArn,
    ]);
    const logGroups = props.consumers.flatMap(({ logGroup }) => (logGroup ? [logGroup.logGroupArn] : []));
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: `rampay-${props.environment}-operator`,
      description: `RamPay ${props.environment}: inspect and replay the consumers' DLQs (npm run dlq)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'StackOutputs',
          actions: ['cloudformation:DescribeStacks'],
          resources: [stack.stackId],
        }),
        new iam.PolicyStatement({
          sid: 'DeadLetterQueues',
          actions: [
            'sqs:GetQueueAttributes',
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:StartMessageMoveTask',
            'sqs:ListMessageMoveTasks',
          ],
          resources: dlqs,
        }),
        new iam.PolicyStatement({
          sid: 'ReplayToTheConsumers',
          actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
          resources: props.consumers.map(({ consumer }) => consumer.queue.queueArn),
        }),
        new iam.PolicyStatement({
          sid: 'EncryptedQueues',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.queueKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'WhyMessagesFailed',
          actions: ['logs:FilterLogEvents'],
          resources: logGroups,
        }),
        new iam.PolicyStatement({
          sid: 'QueueMetrics',
          actions: ['cloudwatch:GetMetricStatistics'],
          resources: ['*'],
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricStatistics has no resource-level permissions; it reads metrics, nothing else.',
    });
  }
}
