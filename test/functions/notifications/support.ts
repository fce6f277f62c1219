import { Logger } from '@aws-lambda-powertools/logger';
import type { AnyEventEnvelope, EventEnvelope, PaymentSnapshot } from '../../../functions/domain/events';
import { newId } from '../../../functions/domain/ids';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import {
  NotifierError,
  type Notifier,
  type OutboundMessage,
  type SendReceipt,
} from '../../../functions/notifications/ports';

export const HASH_KEY = 'test-recipient-hash-key-0123456789';

export function snapshot(overrides: Partial<PaymentSnapshot> = {}): PaymentSnapshot {
  const now = '2026-11-24T10:15:00.000Z';
  return {
    id: newId(),
    merchantId: 'merchant_n',
    status: 'pending',
    amount: 1250,
    currency: 'EUR',
    amountRefunded: 0,
    customer: { id: 'cus_1', email: 'ada@example.com', phone: '+447700900123', country: 'GB' },
    paymentMethod: { type: 'card', fingerprint: 'fp_12345678', last4: '4242', brand: 'visa' },
    terminalId: 'web-shop',
    description: 'Order 1001',
    metadata: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function fields(payment: PaymentSnapshot) {
  return { merchantId: payment.merchantId, paymentId: payment.id, correlationId: `corr-${newId()}` };
}

export function created(overrides: Partial<PaymentSnapshot> = {}): EventEnvelope<'PaymentCreated'> {
  const payment = snapshot(overrides);
  return buildEvent('PaymentCreated', { ...fields(payment), data: { payment } });
}

export function approved(overrides: Partial<PaymentSnapshot> = {}): EventEnvelope<'PaymentApproved'> {
  const payment = snapshot({ status: 'approved', version: 2, ...overrides });
  return buildEvent('PaymentApproved', { ...fields(payment), data: { payment, decidedBy: 'fraud-model' } });
}

export function failed(overrides: Partial<PaymentSnapshot> = {}): EventEnvelope<'PaymentFailed'> {
  const payment = snapshot({ status: 'failed', version: 2, ...overrides });
  return buildEvent('PaymentFailed', {
    ...fields(payment),
    data: { payment, reason: 'declined by the fraud model: risk score 97' },
  });
}

export function anomaly(
  action: 'review' | 'hold' | 'decline',
  overrides: Partial<PaymentSnapshot> = {},
): EventEnvelope<'AnomalyDetected'> {
  const payment = snapshot(overrides);
  return buildEvent('AnomalyDetected', {
    ...fields(payment),
    data: {
      payment,
      score: 93,
      probability: 0.93,
      modelVersion: 'gbt-2026-11',
      reasons: ['amount far above the card average', 'new terminal'],
      action,
    },
  });
}

/** A merchant's endpoint disabled for failing: the notice the merchant is e-mailed. */
export function endpointDisabled(merchantId = 'merchant_n'): EventEnvelope<'WebhookEndpointDisabled'> {
  return buildEvent('WebhookEndpointDisabled', {
    merchantId,
    correlationId: `corr-${newId()}`,
    data: {
      endpoint: {
        id: newId(),
        url: 'https://shop.example.com/rampay/hooks',
        description: 'order fulfilment',
      },
      reason: 'failing',
      failingSince: '2026-11-21T09:00:00.000Z',
      disabledAt: '2026-11-24T09:00:05.000Z',
    },
  });
}

export type Behaviour = 'ok' | 'throttle' | 'reject' | 'hang-then-ok';

/** A Notifier that records what it sends; per-recipient behaviours simulate provider errors. */
export class RecordingNotifier implements Notifier {
  readonly sent: OutboundMessage[] = [];
  readonly attempts: OutboundMessage[] = [];
  behaviour = new Map<string, Behaviour[]>();
  delayMs = 0;

  /** The next sends to `to` behave as listed, in order; then ok. */
  plan(to: string, ...behaviours: Behaviour[]): void {
    this.behaviour.set(to, behaviours);
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    this.attempts.push(message);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const next = this.behaviour.get(message.to)?.shift() ?? 'ok';
    if (next === 'throttle')
      throw new NotifierError('TooManyRequestsException: slow down', true, 'TooManyRequestsException', 'ses');
    if (next === 'reject')
      throw new NotifierError('MessageRejected: bad address', false, 'MessageRejected', 'ses');
    this.sent.push(message);
    return { provider: 'test', providerMessageId: `msg-${this.sent.length}-${newId()}` };
  }
}

export const silentLogger = () => new Logger({ logLevel: 'SILENT' });

export function typeOf(event: AnyEventEnvelope): string {
  return event.type;
}

/** Captures what Powertools Logger prints (INFO/DEBUG on stdout, WARN/ERROR on stderr) until `restore()`. */
export function captureOutput(): { lines: () => string[]; restore: () => void } {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    lines: () => chunks.join('').split('\n').filter(Boolean),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}
