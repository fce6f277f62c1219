import { parseEvent } from '../../../functions/domain/event-schemas';
import { InvalidEventError } from '../../../functions/domain/events';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import { paymentSnapshot } from '../../support/fixtures';

const payment = paymentSnapshot();

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

  it("takes a merchant's event without a payment id, and only so", () => {
    const notice = buildEvent('WebhookEndpointDisabled', {
      merchantId: 'merchant_a',
      correlationId: 'c-2',
      data: {
        endpoint: {
          id: '01a24e75-ca0b-771d-83cd-b5ed2881b7f6',
          url: 'https://shop.example/hooks',
          description: null,
        },
        reason: 'failing',
        failingSince: '2026-11-21T09:00:00.000Z',
        disabledAt: '2026-11-24T09:00:05.000Z',
      },
    });
    expect(notice).not.toHaveProperty('paymentId');
    expect(parseEvent(JSON.parse(JSON.stringify(notice)))).toEqual(notice);
    expect(() => parseEvent({ ...notice, paymentId: payment.id })).toThrow(/paymentId: must be absent/);
    const created = buildEvent('PaymentCreated', {
      merchantId: 'm',
      paymentId: payment.id,
      correlationId: 'c',
      data: { payment },
    });
    expect(() => parseEvent({ ...created, paymentId: undefined })).toThrow(/paymentId/);
  });
});
