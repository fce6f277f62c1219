import { newId } from '../../domain/ids';
import type { Payment } from '../../domain/payment';
import { snapshotOf } from '../../domain/payment-snapshot';
import { ConflictError, DuplicateIdempotencyKeyError } from '../../domain/errors';
import { buildEvent } from '../../shared/outbox/outbox';
import type { CreatePaymentRequest } from '../schemas';
import type { PaymentsDeps } from './deps';

export interface CreatePaymentCommand {
  merchantId: string;
  idempotencyKey: string;
  correlationId: string;
  request: CreatePaymentRequest;
}

/** Stores a new pending payment and its PaymentCreated event atomically, then publishes the event. */
export async function createPayment(deps: PaymentsDeps, command: CreatePaymentCommand): Promise<Payment> {
  const { request } = command;
  const now = deps.now().toISOString();
  const payment: Payment = {
    id: newId(),
    merchantId: command.merchantId,
    status: 'pending',
    amount: request.amount,
    currency: request.currency,
    amountRefunded: 0,
    customer: request.customer,
    paymentMethod: request.paymentMethod,
    terminalId: request.terminalId,
    ...(request.description === undefined ? {} : { description: request.description }),
    metadata: request.metadata ?? {},
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const created = buildEvent('PaymentCreated', {
    merchantId: payment.merchantId,
    paymentId: payment.id,
    correlationId: command.correlationId,
    data: { payment: snapshotOf(payment) },
  });
  try {
    await deps.store.insertPaymentWithEvents(payment, command.idempotencyKey, [created]);
  } catch (error) {
    if (error instanceof DuplicateIdempotencyKeyError) {
      throw new ConflictError(
        'idempotency-key-used',
        `Idempotency-Key ${command.idempotencyKey} already created a payment whose stored result has expired; ` +
          'use a new key for a new payment, or look the payment up with GET /payments',
      );
    }
    throw error;
  }
  await deps.events.publishCommitted([created]);
  return payment;
}
