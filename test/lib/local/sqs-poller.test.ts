import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SqsPoller, type LocalSqsHandler } from '../../../lib/local/sqs-poller';
import { waitFor } from './wait';

const QUEUE_URL = 'http://sqs.us-east-1.localhost:1/000000000000/q';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:q';

function message(n: number): Message {
  return {
    MessageId: `m${n}`,
    ReceiptHandle: `r${n}`,
    Body: `{"n":${n}}`,
    MD5OfBody: 'md5',
    Attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1000',
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: '1001',
    },
    MessageAttributes: { eventType: { DataType: 'String', StringValue: 'PaymentCreated' } },
  };
}

let client: SQSClient;
let sqs: AwsClientStub<SQSClient>;
let poller: SqsPoller | undefined;

beforeEach(() => {
  client = new SQSClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  sqs = mockClient(client);
  let first = true;
  sqs.on(ReceiveMessageCommand).callsFake(async () => {
    if (first) {
      first = false;
      return { Messages: [message(1), message(2), message(3)] };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { Messages: [] };
  });
  sqs.on(DeleteMessageBatchCommand).resolves({});
});
afterEach(async () => poller?.stop());

function startWith(handler: LocalSqsHandler, onError = jest.fn()) {
  poller = new SqsPoller({
    sqs: client,
    queueUrl: QUEUE_URL,
    queueArn: QUEUE_ARN,
    region: 'us-east-1',
    handler,
    functionName: 'rampay-local-fraud',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    waitTimeSeconds: 1,
    onError,
  }).start();
  return { poller, onError };
}

describe('SqsPoller (the local event source mapping)', () => {
  it('hands the handler a Lambda-shaped SQSEvent and deletes only the records not reported failed', async () => {
    const events: SQSEvent[] = [];
    const { poller } = startWith(async (event) => {
      events.push(event);
      return { batchItemFailures: [{ itemIdentifier: 'm2' }] } satisfies SQSBatchResponse;
    });
    await waitFor(() => poller.stats.batches === 1);
    expect(events[0]!.Records[0]).toEqual({
      messageId: 'm1',
      receiptHandle: 'r1',
      body: '{"n":1}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1001',
      },
      messageAttributes: {
        eventType: {
          dataType: 'String',
          stringValue: 'PaymentCreated',
          binaryValue: undefined,
          stringListValues: [],
          binaryListValues: [],
        },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
    });
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: QUEUE_URL,
      Entries: [
        { Id: '0', ReceiptHandle: 'r1' },
        { Id: '1', ReceiptHandle: 'r3' },
      ],
    });
    expect(poller.stats).toEqual({ batches: 1, succeeded: 2, failed: 1 });
  });

  it('deletes nothing when the handler throws', async () => {
    const { poller, onError } = startWith(async () => {
      throw new Error('crash');
    });
    await waitFor(() => poller.stats.batches === 1);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageBatchCommand);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'crash' }));
  });

  it('treats an unknown item identifier as a failure of the whole batch, as Lambda does', async () => {
    const { poller } = startWith(async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] }));
    await waitFor(() => poller.stats.batches === 1);
    expect(poller.stats).toEqual({ batches: 1, succeeded: 0, failed: 3 });
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageBatchCommand);
  });

  it('stops: no receive after stop() resolved', async () => {
    const { poller } = startWith(async () => ({ batchItemFailures: [] }));
    await waitFor(() => poller.stats.batches === 1);
    await poller.stop();
    const calls = sqs.commandCalls(ReceiveMessageCommand).length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sqs.commandCalls(ReceiveMessageCommand).length).toBe(calls);
  });
});
