import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { AnyEventEnvelope } from '../../../../../functions/domain/events';
import { SnsEventPublisher } from '../../../../../functions/shared/outbox/adapters/sns-event-publisher';
import { buildEvent } from '../../../../../functions/shared/outbox/outbox';
import { paymentSnapshot } from '../../../../support/fixtures';

const payment = paymentSnapshot();

const sns = mockClient(SNSClient);
const arns = {
  payments: 'arn:aws:sns:eu-west-1:1:payments',
  fraud: 'arn:aws:sns:eu-west-1:1:fraud',
  merchants: 'arn:aws:sns:eu-west-1:1:merchants',
};
const created = (description?: string) =>
  buildEvent('PaymentCreated', {
    merchantId: 'm',
    paymentId: payment.id,
    correlationId: 'c',
    data: { payment: description ? { ...payment, description } : payment },
  }) as AnyEventEnvelope;
const anomaly = () =>
  buildEvent('AnomalyDetected', {
    merchantId: 'm',
    paymentId: payment.id,
    correlationId: 'c',
    data: { payment, score: 91, probability: 0.93, modelVersion: 'v1', reasons: ['x'], action: 'hold' },
  }) as AnyEventEnvelope;

beforeEach(() => {
  sns.reset();
  sns.on(PublishBatchCommand).callsFake((input) => ({
    Successful: input.PublishBatchRequestEntries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: 'x' })),
    Failed: [],
  }));
});

describe('SnsEventPublisher', () => {
  it('sends each event as raw JSON to its topic with the eventType attribute, ten per batch', async () => {
    const events = [...Array.from({ length: 23 }, () => created()), anomaly()];
    const result = await new SnsEventPublisher(new SNSClient({}), arns).publish(events);
    expect(result.published.sort()).toEqual(events.map((e) => e.id).sort());
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 4);
    const calls = sns.commandCalls(PublishBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.TopicArn, c.PublishBatchRequestEntries!.length])).toEqual([
      [arns.payments, 10],
      [arns.payments, 10],
      [arns.payments, 3],
      [arns.fraud, 1],
    ]);
    const entry = calls[3]!.PublishBatchRequestEntries![0]!;
    expect(entry.MessageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'AnomalyDetected' },
    });
    expect(JSON.parse(entry.Message!)).toEqual(events[23]);
  });

  it('splits batches that would pass the 256 KiB request limit', async () => {
    const big = Array.from({ length: 5 }, () => created('x'.repeat(100 * 1024)));
    await new SnsEventPublisher(new SNSClient({}), arns).publish(big);
    const sizes = sns
      .commandCalls(PublishBatchCommand)
      .map((c) => c.args[0].input.PublishBatchRequestEntries!.length);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('reports partial failures and whole-call errors per event instead of throwing', async () => {
    const events = [created(), created(), anomaly()];
    sns.reset();
    sns
      .on(PublishBatchCommand, { TopicArn: arns.payments })
      .resolves({
        Successful: [{ Id: events[0]!.id, MessageId: 'x' }],
        Failed: [{ Id: events[1]!.id, Code: 'Throttled', Message: 'slow down', SenderFault: false }],
      })
      .on(PublishBatchCommand, { TopicArn: arns.fraud })
      .rejects(new Error('KMS key disabled'));
    const result = await new SnsEventPublisher(new SNSClient({}), arns).publish(events);
    expect(result.published).toEqual([events[0]!.id]);
    expect(result.failed).toEqual([
      { id: events[1]!.id, error: 'Throttled: slow down' },
      { id: events[2]!.id, error: 'KMS key disabled' },
    ]);
  });
});
