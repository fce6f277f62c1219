import type { Payment, Refund } from '../../domain/payment';
import type { AnyEventEnvelope } from '../../domain/events';
import { InvalidInputError, NotFoundError } from '../../domain/errors';
import type { PageOf, PaymentFraudAssessment } from '../ports';
import type { ListEventsQuery, ListPaymentsQuery } from '../schemas';
import type { PaymentReads } from './deps';

/** One payment with its refunds. Another merchant's payment does not exist, as far as this caller can tell. */
export async function getPayment(
  deps: PaymentReads,
  merchantId: string,
  paymentId: string,
): Promise<{ payment: Payment; refunds: Refund[]; assessment: PaymentFraudAssessment | undefined }> {
  const payment = await deps.store.findPayment(merchantId, paymentId);
  if (!payment) throw new NotFoundError(`no payment ${paymentId}`);
  const [refunds, assessment] = await Promise.all([
    deps.store.listRefunds(merchantId, paymentId),
    deps.assessments?.findAssessment(merchantId, paymentId),
  ]);
  return { payment, refunds, assessment };
}

export async function listPayments(
  deps: PaymentReads,
  merchantId: string,
  query: ListPaymentsQuery,
): Promise<PageOf<Payment>> {
  const page = await deps.store.listPayments(
    merchantId,
    {
      ...(query.status ? { status: query.status } : {}),
      ...(query.customer ? { customerId: query.customer } : {}),
      ...(query.created_gte ? { createdGte: query.created_gte } : {}),
      ...(query.created_lt ? { createdLt: query.created_lt } : {}),
    },
    { limit: query.limit, ...(query.starting_after ? { startingAfter: query.starting_after } : {}) },
  );
  if (page === 'unknown-cursor') {
    throw new InvalidInputError([
      { field: 'query.starting_after', message: `no payment ${query.starting_after} to continue after` },
    ]);
  }
  return page;
}

export async function listEvents(
  deps: PaymentReads,
  merchantId: string,
  query: ListEventsQuery,
): Promise<PageOf<AnyEventEnvelope>> {
  const page = await deps.store.listEvents(
    merchantId,
    {
      ...(query.type ? { type: query.type } : {}),
      ...(query.payment_id ? { paymentId: query.payment_id } : {}),
    },
    { limit: query.limit, ...(query.starting_after ? { startingAfter: query.starting_after } : {}) },
  );
  if (page === 'unknown-cursor') {
    throw new InvalidInputError([
      { field: 'query.starting_after', message: `no event ${query.starting_after} to continue after` },
    ]);
  }
  return page;
}
