import type { PaymentSnapshot } from '../../functions/domain/events';

/** A payment as it travels in events, for tests that need a valid envelope. */
export function paymentSnapshot(overrides: Partial<PaymentSnapshot> = {}): PaymentSnapshot {
  return {
    id: '01a20eeb-4d1d-7463-bee8-92caa8b67bf4',
    merchantId: 'merchant_a',
    status: 'pending',
    amount: 1000,
    currency: 'USD',
    amountRefunded: 0,
    customer: { id: 'cus_1' },
    paymentMethod: { type: 'card', fingerprint: 'fp_12345678', last4: '4242' },
    terminalId: 't1',
    metadata: {},
    version: 1,
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}
