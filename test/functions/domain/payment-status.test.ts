import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  PAYMENT_STATUSES,
  statusAfterRefund,
} from '../../../functions/domain/payment-status';

describe('payment state machine', () => {
  it.each([
    ['pending', 'approved'],
    ['pending', 'in_review'],
    ['pending', 'held'],
    ['pending', 'failed'],
    ['in_review', 'approved'],
    ['in_review', 'refunded'],
    ['held', 'approved'],
    ['held', 'failed'],
    ['approved', 'partially_refunded'],
    ['in_review', 'partially_refunded'],
    ['partially_refunded', 'refunded'],
  ] as const)('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it('allows nothing out of failed and refunded', () => {
    for (const to of PAYMENT_STATUSES) {
      expect(canTransition('failed', to)).toBe(false);
      expect(canTransition('refunded', to)).toBe(false);
    }
  });

  it('rejects illegal transitions with a message naming the legal ones', () => {
    expect(() => assertTransition('held', 'refunded')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('pending', 'refunded')).toThrow(
      /from pending it can go to approved, in_review, held, failed/,
    );
    expect(() => assertTransition('failed', 'approved')).toThrow(/nothing \(it is final\)/);
  });

  it('derives the status after a refund', () => {
    expect(statusAfterRefund('approved', 1000, 400)).toBe('partially_refunded');
    expect(statusAfterRefund('partially_refunded', 1000, 1000)).toBe('refunded');
    expect(statusAfterRefund('in_review', 1000, 1000)).toBe('refunded');
    expect(() => statusAfterRefund('held', 1000, 1000)).toThrow(IllegalTransitionError);
  });
});
