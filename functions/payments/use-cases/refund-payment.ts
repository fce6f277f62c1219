import { newId } from '../../domain/ids';
import { formatMinor } from '../../domain/money';
import { remainingRefundable, type Payment, type Refund } from '../../domain/payment';
import { REFUNDABLE_STATUSES, statusAfterRefund } from '../../domain/payment-status';
import {
  ConflictError,
  DuplicateIdempotencyKeyError,
  NotFoundError,
  UnprocessableError,
} from '../../domain/errors';
import { snapshotOf } from '../../domain/payment-snapshot';
import { buildEvent } from '../../shared/outbox/outbox';
import type { CreateRefundRequest } from '../schemas';
import type { PaymentsDeps } from './deps';

export interface RefundPaymentCommand {
  merchantId: string;
  paymentId: string;
  idempotencyKey: string;
  correlationId: string;
  request: CreateRefundRequest;
}

/**
 * Refunds all or part of a payment. The payment row is locked for the whole transaction, so concurrent refunds
 * queue behind each other: each sees the amount the previous ones left, and none can over-refund.
 */
export async function refundPayment(
  deps: PaymentsDeps,
  command: RefundPaymentCommand,
): Promise<{ payment: Payment; refund: Refund }> {
  const now = deps.now().toISOString();
  try {
    const { payment, refund, event } = await deps.store.transaction(async (tx) => {
      const current = await tx.lockPayment(command.merchantId, command.paymentId);
      if (!current) throw new NotFoundError(`no payment ${command.paymentId}`);
      if (!REFUNDABLE_STATUSES.includes(current.status)) {
        throw new ConflictError(
          'payment-not-refundable',
          `payment ${current.id} is ${current.status}; only ${REFUNDABLE_STATUSES.join(', ')} payments can be refunded`,
          { paymentStatus: current.status },
        );
      }
      const remaining = remainingRefundable(current);
      const amount = command.request.amount ?? remaining;
      if (amount > remaining) {
        throw new UnprocessableError(
          'refund-exceeds-remaining',
          `a refund of ${formatMinor(amount, current.currency)} exceeds what remains refundable on payment ` +
            `${current.id}: ${formatMinor(remaining, current.currency)} (${remaining} minor units)`,
          { remainingRefundable: remaining },
        );
      }
      const refunded = current.amountRefunded + amount;
      const payment: Payment = {
        ...current,
        amountRefunded: refunded,
        status: statusAfterRefund(current.status, current.amount, refunded),
        version: current.version + 1,
        updatedAt: now,
      };
      const refund: Refund = {
        id: newId(),
        paymentId: current.id,
        merchantId: current.merchantId,
        amount,
        currency: current.currency,
        ...(command.request.reason === undefined ? {} : { reason: command.request.reason }),
        createdAt: now,
      };
      const event = buildEvent('PaymentRefunded', {
        merchantId: payment.merchantId,
        paymentId: payment.id,
        correlationId: command.correlationId,
        data: {
          payment: snapshotOf(payment),
          refund: {
            id: refund.id,
            amount,
            currency: refund.currency,
            ...(refund.reason ? { reason: refund.reason } : {}),
          },
        },
      });
      await tx.savePayment(payment);
      await tx.insertRefund(refund, command.idempotencyKey);
      await tx.appendEvents([event]);
      return { payment, refund, event };
    });
    await deps.events.publishCommitted([event]);
    return { payment, refund };
  } catch (error) {
    if (error instanceof DuplicateIdempotencyKeyError) {
      throw new ConflictError(
        'idempotency-key-used',
        `Idempotency-Key ${command.idempotencyKey} was already used for a refund whose stored result has expired; ` +
          'use a new key for a new refund',
      );
    }
    throw error;
  }
}
