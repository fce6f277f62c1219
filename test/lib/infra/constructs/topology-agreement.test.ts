import { GetSubscriptionAttributesCommand, ListSubscriptionsCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { CONSUMER_NAMES } from '../../../../functions/shared/events/topology';
import { startLocalMessaging } from '../../../../lib/local/messaging';
import {
  byTopicAndConsumer,
  synthConsumers,
  templateTopology,
  TEST_SETTINGS,
  type TopologyRow,
} from './event-consumer-stack';

/** Both sides are built from the one topology table; this proves they build the same thing. */
describe('CDK and the local platform build the same topology', () => {
  it('same topics, subscriptions, filter policies, raw delivery and redrive', async () => {
    const cdk = templateTopology(synthConsumers().template);
    const settings = Object.fromEntries(CONSUMER_NAMES.map((c) => [c, TEST_SETTINGS]));
    const local = await startLocalMessaging({ prefix: 'rampay-test', settings });
    try {
      const rows: TopologyRow[] = [];
      const { Subscriptions = [] } = await local.sns.send(new ListSubscriptionsCommand({}));
      for (const s of Subscriptions) {
        const { Attributes: a = {} } = await local.sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: s.SubscriptionArn }),
        );
        const queueName = s.Endpoint!.split(':').pop()!;
        const queueUrl = Object.values(local.queues).find((q) => q.name === queueName)!.url;
        const { Attributes: qa = {} } = await local.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
        );
        rows.push({
          topic: s.TopicArn!.split(':').pop()!.replace('rampay-test-', ''),
          consumer: queueName.replace('rampay-test-', ''),
          filterPolicy: JSON.parse(a.FilterPolicy ?? 'null'),
          raw: a.RawMessageDelivery === 'true',
          maxReceiveCount: Number(
            (JSON.parse(qa.RedrivePolicy!) as { maxReceiveCount: number }).maxReceiveCount,
          ),
        });
      }
      expect(rows.sort(byTopicAndConsumer)).toEqual(cdk);
      expect(cdk.length).toBeGreaterThanOrEqual(CONSUMER_NAMES.length);
    } finally {
      await local.stop();
    }
  });
});
