/**
 * The payment state machine, in one place. Every status change in RamPay goes through `assertTransition`.
 */
export const PAYMENT_STATUSES = [
  'pending',
  'approved',
  'in_review',
  'held',
  'failed',
  'partially_refunded',
  'refunded',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  pending: ['approved', 'in_review', 'held', 'failed'],
  approved: ['partially_refunded', 'refunded'],
  in_review: ['approved', 'partially_refunded', 'refunded'],
  held: ['approved', 'failed'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  refunded: [],
};

/** Statuses from which money can be given back. */
export const REFUNDABLE_STATUSES: readonly PaymentStatus[] = ['approved', 'in_review', 'partially_refunded'];

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: PaymentStatus,
    readonly to: PaymentStatus,
  ) {
    super(
      `a payment cannot go from ${from} to ${to}; from ${from} it can go to ${describe(TRANSITIONS[from])}`,
    );
    this.name = 'IllegalTransitionError';
  }
}

function describe(statuses: readonly PaymentStatus[]): string {
  return statuses.length === 0 ? 'nothing (it is final)' : statuses.join(', ');
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** The status a refund leaves the payment in, checked against the state machine. */
export function statusAfterRefund(from: PaymentStatus, amount: number, refundedAfter: number): PaymentStatus {
  const to: PaymentStatus = refundedAfter >= amount ? 'refunded' : 'partially_refunded';
  assertTransition(from, to);
  return to;
}
