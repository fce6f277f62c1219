import { InvalidEventError, parseEvent } from '../../../functions/domain/events';
import { buildEvent } from '../../../functions/outbox/outbox';

const payment = {
  id: '01a20eeb-4d1d-7463-bee8-92caa8b67bf4',
  merchantId: 'merchant_a',
  status: 'pending' as const,
  amount: 1000,
  currency: 'USD',
  amountRefunded: 0,
  customer: { id: 'cus_1' },
  paymentMethod: { type: 'card' as const, fingerprint: 'fp_12345678', last4: '4242' },
  terminalId: 't1',
  metadata: {},
  version: 1,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
};

describe('event envelope', () => {
  it('round-trips a built event through validation', () => {
    const event = buildEvent('PaymentCreated', {
      merchantId: 'merchant_a',
      paymentId: payment.id,
      correlationId: 'c-1',
      data: { payment },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('rejects unknown types, missing fields and wrong payloads', () => {
    const good = buildEvent('PaymentCreated', {
      merchantId: 'm',
      paymentId: payment.id,
      correlationId: 'c',
      data: { payment },
    });
    expect(() => parseEvent({ ...good, type: 'PaymentExploded' })).toThrow(InvalidEventError);
    expect(() => parseEvent({ ...good, id: undefined })).toThrow(/id/);
    expect(() => parseEvent({ ...good, data: { payment: { ...payment, amount: 'ten' } } })).toThrow(
      /data.payment.amount/,
    );
    expect(() => parseEvent('not json at all')).toThrow(InvalidEventError);
  });
});
