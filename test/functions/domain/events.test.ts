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
});
