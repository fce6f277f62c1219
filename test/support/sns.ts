import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { TOPIC_NAMES, topicArnVariable, type TopicName } from '../../functions/shared/events/topology';

export const TEST_TOPIC_ARNS = Object.fromEntries(
  TOPIC_NAMES.map((topic) => [topic, `arn:aws:sns:eu-west-1:111111111111:rampay-test-${topic}`]),
) as Record<TopicName, string>;

/** SNS mocked at the SDK boundary: every PublishBatch succeeds and its entries are kept for assertions. */
export function mockSns() {
  for (const topic of TOPIC_NAMES) process.env[topicArnVariable(topic)] = TEST_TOPIC_ARNS[topic];
  const sns = mockClient(SNSClient);
  const published: { topicArn: string; entry: PublishBatchRequestEntry }[] = [];
  const succeed = () =>
    sns
      .on(PublishBatchCommand)
      .callsFake((input: { TopicArn: string; PublishBatchRequestEntries: PublishBatchRequestEntry[] }) => {
        for (const entry of input.PublishBatchRequestEntries)
          published.push({ topicArn: input.TopicArn, entry });
        return {
          Successful: input.PublishBatchRequestEntries.map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
          Failed: [],
        };
      });
  succeed();
  return {
    sns,
    published,
    /** event types published so far, in order */
    types: () => published.map((p) => p.entry.MessageAttributes?.eventType?.StringValue),
    reset() {
      published.length = 0;
      sns.reset();
      succeed();
    },
  };
}
