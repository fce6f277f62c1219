import { PublishBatchCommand, SNSClient, type PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';

export const TEST_TOPIC_ARNS = {
  payments: 'arn:aws:sns:eu-west-1:111111111111:rampay-test-payments',
  fraud: 'arn:aws:sns:eu-west-1:111111111111:rampay-test-fraud',
};

/** SNS mocked at the SDK boundary: every PublishBatch succeeds and its entries are kept for assertions. */
export function mockSns() {
  process.env.PAYMENTS_TOPIC_ARN = TEST_TOPIC_ARNS.payments;
  process.env.FRAUD_TOPIC_ARN = TEST_TOPIC_ARNS.fraud;
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
