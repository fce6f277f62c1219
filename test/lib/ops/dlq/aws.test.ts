import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import fc from 'fast-check';
import { CONSUMER_NAMES } from '../../../../functions/shared/events/topology';
import { outputKeys } from '../../../../lib/infra/constructs/event-consumer-settings';
import { runDlqCli } from '../../../../lib/ops/dlq/cli';
import { resolveAwsEnvironment, type AwsClients } from '../../../../lib/ops/dlq/environment';
import { paymentCreated } from '../../../functions/shared/consumer/fixtures';
import { captureIo } from './io';

const ACCOUNT = '123456789012';
const arn = (name: string) => `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`;
const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/${name}`;

function stackOutputs() {
  return CONSUMER_NAMES.flatMap((c) => {
    const k = outputKeys(c);
    return [
      { OutputKey: k.queueUrl, OutputValue: url(`rampay-dev-${c}`) },
      { OutputKey: k.queueArn, OutputValue: arn(`rampay-dev-${c}`) },
      { OutputKey: k.dlqUrl, OutputValue: url(`rampay-dev-${c}-dlq`) },
      { OutputKey: k.dlqArn, OutputValue: arn(`rampay-dev-${c}-dlq`) },
      { OutputKey: k.logGroup, OutputValue: logGroup(c) },
    ];
  });
}

/** The name CloudFormation gave a consumer function's log group. */
const logGroup = (consumer: string) => `RamPay-dev-services-${consumer}ConsumerLogs1A2B3C`;

function dlqMessage(n: number, type: string): Message {
  return {
    MessageId: `m${n}`,
    ReceiptHandle: `r${n}`,
    Body: JSON.stringify({ id: `e${n}`, type, paymentId: `p${n}` }),
    Attributes: { ApproximateReceiveCount: '5', ApproximateFirstReceiveTimestamp: '1795546434562' },
    MessageAttributes: { eventType: { DataType: 'String', StringValue: type } },
  };
}

let clients: AwsClients;
let cfn: AwsClientStub<CloudFormationClient>;
let sqs: AwsClientStub<SQSClient>;
let cw: AwsClientStub<CloudWatchClient>;
let logs: AwsClientStub<CloudWatchLogsClient>;

beforeEach(() => {
  clients = {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    sqs: new SQSClient({ region: 'eu-west-1' }),
    cloudWatch: new CloudWatchClient({ region: 'eu-west-1' }),
    logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
  };
  cfn = mockClient(clients.cloudFormation);
  sqs = mockClient(clients.sqs);
  cw = mockClient(clients.cloudWatch);
  logs = mockClient(clients.logs);
  cfn
    .on(DescribeStacksCommand, { StackName: 'RamPay-dev-services' })
    .resolves({
      Stacks: [
        {
          StackName: 'RamPay-dev-services',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: stackOutputs(),
        },
      ],
    })
    .on(DescribeStacksCommand, { StackName: 'RamPay-dev-messaging' })
    .rejects(new Error('Stack with id RamPay-dev-messaging does not exist'));
});

const run = (argv: string[], io = captureIo()) =>
  runDlqCli(argv, {
    io,
    resolve: () => resolveAwsEnvironment('dev', clients),
    sleep: async () => undefined,
    pollMs: 0,
  }).then((code) => ({ code, io }));

describe('dlq CLI on AWS', () => {
  it('resolves queues from the stack outputs', async () => {
    const environment = await resolveAwsEnvironment('dev', clients);
    expect(environment.targets.map((t) => [t.consumer, t.dlq.name, t.queue.arn])).toEqual(
      CONSUMER_NAMES.map((c) => [c, `rampay-dev-${c}-dlq`, arn(`rampay-dev-${c}`)]),
    );
  });

  it('reports a missing environment in one line, exit 1', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id X does not exist'));
    const { code, io } = await run(['list']);
    expect(code).toBe(1);
    expect(io.errors).toEqual([
      'error: environment dev is not deployed here: neither RamPay-dev-services nor RamPay-dev-messaging exists',
    ]);
  });

  it('list: every DLQ with its depth and the age of its oldest message from CloudWatch', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url('rampay-dev-fraud-dlq') }).resolves({
      Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' },
    });
    cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    cw.on(GetMetricStatisticsCommand, {
      Dimensions: [{ Name: 'QueueName', Value: 'rampay-dev-fraud-dlq' }],
    }).resolves({
      Datapoints: [
        { Timestamp: new Date(Date.now() - 120_000), Maximum: 7000 },
        { Timestamp: new Date(Date.now() - 60_000), Maximum: 7260 },
      ],
    });
    const { code, io } = await run(['list']);
    expect(code).toBe(0);
    const fraud = io.lines.find((l) => l.startsWith('rampay-dev-fraud-dlq'))!;
    expect(fraud.split(/\s+/)).toEqual(['rampay-dev-fraud-dlq', 'fraud', '3', '1', '2h', '1m']);
    expect(
      io.lines
        .find((l) => l.startsWith('rampay-dev-analytics-dlq'))!
        .trim()
        .endsWith('-'),
    ).toBe(true);
  });

  it('replay without filters starts an SQS message move task and follows it to completion', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({
        Results: [
          { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1, ApproximateNumberOfMessagesToMove: 3 },
        ],
      })
      .resolves({
        Results: [
          { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 3 },
        ],
      });
    const { code, io } = await run(['replay', 'fraud']);
    expect(code).toBe(0);
    expect(sqs).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: arn('rampay-dev-fraud-dlq'),
      DestinationArn: arn('rampay-dev-fraud'),
    });
    expect(sqs).not.toHaveReceivedCommand(ReceiveMessageCommand);
    expect(io.lines).toContain('moved 3, skipped 0, failed 0');
  });

  it('a failed move task exits 1 with its reason', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          Status: 'FAILED',
          ApproximateNumberOfMessagesMoved: 1,
          ApproximateNumberOfMessagesToMove: 4,
          FailureReason: 'AccessDenied',
        },
      ],
    });
    const { code, io } = await run(['replay', 'rampay-dev-fraud-dlq']);
    expect(code).toBe(1);
    expect(io.text()).toContain('AccessDenied');
    expect(io.lines).toContain('moved 1, skipped 0, failed 3');
  });

  it('--detach starts the task and returns; status shows its progress', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-3' });
    expect((await run(['replay', 'fraud', '--detach'])).code).toBe(0);
    expect(sqs).not.toHaveReceivedCommand(ListMessageMoveTasksCommand);
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
    sqs.on(ListMessageMoveTasksCommand, { SourceArn: arn('rampay-dev-fraud-dlq') }).resolves({
      Results: [
        {
          Status: 'RUNNING',
          ApproximateNumberOfMessagesMoved: 2,
          ApproximateNumberOfMessagesToMove: 9,
          StartedTimestamp: 1795546434562,
        },
      ],
    });
    const { code, io } = await run(['status']);
    expect(code).toBe(0);
    expect(io.lines).toContain('rampay-dev-fraud-dlq: RUNNING: 2/9 moved, started 2026-11-24T18:53:54.562Z');
    expect(io.lines).toContain('rampay-dev-analytics-dlq: no move task');
  });

  it('a filtered replay receives, re-sends the matching type and deletes only what was re-sent', async () => {
    const messages = [
      dlqMessage(1, 'PaymentCreated'),
      dlqMessage(2, 'PaymentApproved'),
      dlqMessage(3, 'PaymentCreated'),
    ];
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    // The second matching message fails to re-send.
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'n1', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const { code, io } = await run(['replay', 'analytics', '--type', 'PaymentCreated']);
    expect(code).toBe(1);
    expect(io.lines).toContain('moved 1, skipped 1, failed 1');
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, {
      QueueUrl: url('rampay-dev-analytics'),
      Entries: [
        { Id: '0', MessageBody: messages[0]!.Body, MessageAttributes: messages[0]!.MessageAttributes },
        { Id: '1', MessageBody: messages[2]!.Body, MessageAttributes: messages[2]!.MessageAttributes },
      ],
    });
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: url('rampay-dev-analytics-dlq'),
      Entries: [{ Id: '0', ReceiptHandle: 'r1' }],
    });
    // The skipped and the unsent one are put back in place at once.
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(released.map((e) => [e.ReceiptHandle, e.VisibilityTimeout]).sort()).toEqual([
      ['r2', 0],
      ['r3', 0],
    ]);
    expect(sqs).not.toHaveReceivedCommand(StartMessageMoveTaskCommand);
  });

  it('--max on AWS replays by receive/re-send/delete and stops at the limit', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '5' } });
    sqs.on(ReceiveMessageCommand).callsFake((input: { MaxNumberOfMessages: number }) => ({
      Messages: [dlqMessage(1, 'PaymentCreated'), dlqMessage(2, 'PaymentCreated')].slice(
        0,
        input.MaxNumberOfMessages,
      ),
    }));
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'x' })),
    }));
    sqs.on(DeleteMessageBatchCommand).resolves({});
    const { code, io } = await run(['replay', 'fraud', '--max', '1']);
    expect(code).toBe(0);
    expect(io.lines).toContain('moved 1, skipped 0, failed 0');
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, { MaxNumberOfMessages: 1 });
  });

  it('--dry-run counts what would move and leaves everything in place', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [dlqMessage(1, 'PaymentCreated'), dlqMessage(2, 'PaymentFailed')] })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const { code, io } = await run(['replay', 'notifications', '--dry-run']);
    expect(code).toBe(0);
    expect(io.lines).toContain('would move 2, skipped 0, failed 0');
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageBatchCommand);
  });

  it('peek shows type, ids, receive count and first failure, and releases the messages', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          dlqMessage(1, 'PaymentCreated'),
          { MessageId: 'm9', ReceiptHandle: 'r9', Body: 'garbage' },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const { code, io } = await run(['peek', 'fraud']);
    expect(code).toBe(0);
    const row = io.lines.find((l) => l.startsWith('m1'))!.split(/\s+/);
    expect(row).toEqual(['m1', 'PaymentCreated', 'e1', 'p1', '5', '2026-11-24T18:53:54.562Z']);
    expect(io.lines.find((l) => l.startsWith('m9'))).toContain('(not an event)');
    expect(io.lines).toContain('garbage');
    // Neither body is an event envelope: the consumer refuses them for what they are, and no log is searched.
    expect(io.lines).toContain('why it failed: the fraud consumer refuses it: the body is not JSON');
    expect(io.lines.filter((l) => l.startsWith('why it failed'))[0]).toMatch(
      /^why it failed: the fraud consumer refuses it: invalid event envelope: .*correlationId/,
    );
    expect(logs).not.toHaveReceivedCommand(FilterLogEventsCommand);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
      Entries: [
        { Id: '0', ReceiptHandle: 'r1', VisibilityTimeout: 0 },
        { Id: '1', ReceiptHandle: 'r9', VisibilityTimeout: 0 },
      ],
    });
  });

  describe("peek: why each event failed, from its consumer function's log group", () => {
    const SENT = 1795546434562;
    const inDlq = (event: { id: string }, n = 1): Message => ({
      MessageId: `m${n}`,
      ReceiptHandle: `r${n}`,
      Body: JSON.stringify(event),
      Attributes: { ApproximateReceiveCount: '5', SentTimestamp: String(SENT) },
    });
    /** A failure line as the consumer runtime logs it (Powertools JSON). */
    const failureLine = (eventId: string, receiveCount: number, timestamp: string) =>
      JSON.stringify({
        level: 'ERROR',
        message: 'consumer failed; the message will be redelivered after its visibility timeout',
        timestamp,
        consumer: 'fraud',
        eventId,
        receiveCount,
        errorClass: 'ConcurrentUpdateError',
        reason: 'payment p1 was changed by someone else; reload it and retry',
      });
    const peek = (messages: Message[]) => {
      sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
      sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
      return run(['peek', 'fraud']);
    };

    it('shows the latest failure of each event, searching every page of the log group since it was sent', async () => {
      const event = paymentCreated();
      logs
        .on(FilterLogEventsCommand)
        .resolvesOnce({
          events: [{ timestamp: SENT + 1000, message: failureLine(event.id, 4, '2026-11-24T18:54:00.000Z') }],
          nextToken: 'page-2',
        })
        .resolves({
          events: [
            { timestamp: SENT + 2000, message: failureLine(event.id, 5, '2026-11-24T18:55:00.000Z') },
            { timestamp: SENT + 3000, message: 'START RequestId: 1 Version: $LATEST' },
          ],
        });
      const { code, io } = await peek([inDlq(event)]);
      expect(code).toBe(0);
      expect(io.lines).toContain(
        `why it failed: ConcurrentUpdateError: payment p1 was changed by someone else; reload it and retry ` +
          `(delivery 5, at 2026-11-24T18:55:00.000Z; from the fraud function's log group ${logGroup('fraud')})`,
      );
      expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2);
      expect(logs).toHaveReceivedNthCommandWith(1, FilterLogEventsCommand, {
        logGroupName: logGroup('fraud'),
        filterPattern: `{ $.level = "ERROR" && ($.eventId = "${event.id}") }`,
        startTime: SENT - 5 * 60_000,
      });
      expect(logs).toHaveReceivedNthCommandWith(2, FilterLogEventsCommand, { nextToken: 'page-2' });
    });

    it('says so when the log group holds no failure of the event', async () => {
      logs.on(FilterLogEventsCommand).resolves({ events: [] });
      const { io } = await peek([inDlq(paymentCreated())]);
      expect(io.lines).toContain(
        `why it failed: no failure recorded for its event in the fraud function's log group ${logGroup('fraud')}`,
      );
    });

    it('shows the messages even when the log group cannot be read, and says why', async () => {
      logs.on(FilterLogEventsCommand).rejects(
        Object.assign(new Error('not authorized to perform: logs:FilterLogEvents'), {
          name: 'AccessDeniedException',
        }),
      );
      const { code, io } = await peek([inDlq(paymentCreated())]);
      expect(code).toBe(0);
      expect(io.lines).toContain(
        `why it failed: could not read the fraud function's log group ${logGroup('fraud')} ` +
          '(AccessDeniedException: not authorized to perform: logs:FilterLogEvents)',
      );
    });

    it('puts no event id from a message into a filter pattern unless it is of the identifier charset', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (id) => {
          sqs.reset();
          logs.reset();
          logs.on(FilterLogEventsCommand).resolves({ events: [] });
          await peek([inDlq({ ...paymentCreated(), id })]);
          const patterns = logs
            .commandCalls(FilterLogEventsCommand)
            .map((c) => c.args[0].input.filterPattern);
          expect(patterns).toEqual(
            /^[A-Za-z0-9_.:-]+$/.test(id) ? [`{ $.level = "ERROR" && ($.eventId = "${id}") }`] : [],
          );
        }),
        { numRuns: 50 },
      );
    });
  });

  it('an unknown queue is a usage error naming the known ones', async () => {
    const { code, io } = await run(['peek', 'billing']);
    expect(code).toBe(2);
    expect(io.errors[0]).toMatch(
      /^error: unknown queue "billing" in AWS environment dev; known: fraud, rampay-dev-fraud-dlq/,
    );
  });

  it('an AWS error mid-command is one line and exit 1', async () => {
    sqs
      .on(GetQueueAttributesCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }));
    cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    const { code, io } = await run(['list']);
    expect(code).toBe(1);
    expect(io.errors).toEqual(['error: AccessDenied: User is not authorized']);
  });
});
