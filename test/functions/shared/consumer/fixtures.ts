import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type {
  AnyEventEnvelope,
  EventEnvelope,
  EventType,
  PaymentSnapshot,
} from '../../../../functions/domain/events';
import { newId } from '../../../../functions/domain/ids';
import { buildEvent } from '../../../../functions/shared/outbox/outbox';
import type { EventPublisher, PublishResult } from '../../../../functions/shared/outbox/ports';
import { EVENT_TYPE_ATTRIBUTE } from '../../../../functions/shared/events/topology';

export function paymentSnapshot(overrides: Partial<PaymentSnapshot> = {}): PaymentSnapshot {
  const now = new Date().toISOString();
  return {
    id: newId(),
    merchantId: 'merchant_1',
    status: 'pending',
    amount: 1250,
    currency: 'EUR',
    amountRefunded: 0,
    customer: { id: 'cus_1', email: 'ada@example.com' },
    paymentMethod: { type: 'card', fingerprint: 'fp_1', last4: '4242' },
    terminalId: 'term_1',
    metadata: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function paymentCreated(correlationId = `corr-${randomUUID()}`): EventEnvelope<'PaymentCreated'> {
  const payment = paymentSnapshot();
  return buildEvent('PaymentCreated', {
    merchantId: payment.merchantId,
    paymentId: payment.id,
    correlationId,
    data: { payment },
  });
}

export function paymentApproved(correlationId = `corr-${randomUUID()}`): EventEnvelope<'PaymentApproved'> {
  const payment = paymentSnapshot({ status: 'approved', version: 2 });
  return buildEvent('PaymentApproved', {
    merchantId: payment.merchantId,
    paymentId: payment.id,
    correlationId,
    data: { payment, decidedBy: 'fraud-model' },
  });
}

/** A valid event of any type, for a fresh payment. */
export function eventOfType(type: EventType, correlationId = `corr-${randomUUID()}`): AnyEventEnvelope {
  const payment = paymentSnapshot();
  const fields = { merchantId: payment.merchantId, paymentId: payment.id, correlationId };
  switch (type) {
    case 'PaymentCreated':
      return buildEvent(type, { ...fields, data: { payment } });
    case 'PaymentApproved':
      return buildEvent(type, {
        ...fields,
        data: { payment: { ...payment, status: 'approved' }, decidedBy: 'reviewer' },
      });
    case 'PaymentFailed':
      return buildEvent(type, {
        ...fields,
        data: { payment: { ...payment, status: 'failed' }, reason: 'declined' },
      });
    case 'PaymentRefunded':
      return buildEvent(type, {
        ...fields,
        data: {
          payment: { ...payment, status: 'refunded' },
          refund: { id: newId(), amount: 1250, currency: 'EUR' },
        },
      });
    case 'AnomalyDetected':
      return buildEvent(type, {
        ...fields,
        data: {
          payment,
          score: 91,
          probability: 0.91,
          modelVersion: 'test',
          reasons: ['velocity'],
          action: 'hold',
        },
      });
    case 'ReviewDecided':
      return buildEvent(type, { ...fields, data: { payment, decision: 'approve', reviewer: 'rev_1' } });
    case 'WebhookEndpointDisabled':
      return buildEvent(type, {
        merchantId: payment.merchantId,
        correlationId,
        data: {
          endpoint: { id: randomUUID(), url: 'https://shop.example.com/hooks', description: null },
          reason: 'failing',
          failingSince: payment.createdAt,
          disabledAt: payment.updatedAt,
        },
      });
  }
}

/** An SQS record as Lambda delivers it for a raw-delivery SNS subscription. */
export function sqsRecord(body: AnyEventEnvelope | string, overrides: Partial<SQSRecord> = {}): SQSRecord {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'Unknown' : body.type;
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: text,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {
      [EVENT_TYPE_ATTRIBUTE]: {
        dataType: 'String',
        stringValue: type,
        stringListValues: [],
        binaryListValues: [],
      },
    },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:rampay-test-queue',
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** Records what it is asked to publish; `failWith` makes every publish throw. */
export class RecordingPublisher implements EventPublisher {
  readonly published: AnyEventEnvelope[] = [];
  failWith: Error | undefined;

  async publish(events: readonly AnyEventEnvelope[]): Promise<PublishResult> {
    if (this.failWith) throw this.failWith;
    this.published.push(...events);
    return { published: events.map((e) => e.id), failed: [] };
  }
}
