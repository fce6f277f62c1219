import type { AnyEventEnvelope } from '../../domain/events';
import { newId } from '../../domain/ids';
import { remainingRefundable, type Payment, type Refund } from '../../domain/payment';
import { assertTransition, statusAfterRefund, type PaymentStatus } from '../../domain/payment-status';
import { snapshotOf } from '../../domain/payment-snapshot';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors';
import { buildEvent } from '../../shared/outbox/outbox';
import type { CommittedEventPublisher } from '../../shared/outbox/ports';
import {
  EVERY_MERCHANT,
  type FraudReadStore,
  type FraudUnitOfWork,
  type ReviewDecision,
  type ReviewItem,
} from '../ports';
import {
  operatorReviewResource,
  reviewResource,
  type OperatorReviewResource,
  type ReviewResource,
} from '../resources';
import { decisionsThatFit, isFraudDecision } from '../review-rules';
import type { ListReviewsQuery } from '../schemas';

export interface ReviewDeps {
  /** Runs `work` in one transaction over the payments and fraud tables. */
  transaction<T>(work: (uow: FraudUnitOfWork) => Promise<T>): Promise<T>;
  reads: FraudReadStore;
  events: CommittedEventPublisher;
  now: () => Date;
}

/** The merchant's open review items, oldest first. */
export async function listReviews(
  deps: Pick<ReviewDeps, 'reads'>,
  merchantId: string,
  query: ListReviewsQuery,
): Promise<{ items: ReviewResource[]; hasMore: boolean }> {
  const page = await openReviews(deps, merchantId, query);
  return {
    items: page.items.map((r) => reviewResource(r.item, r.payment, r.assessment)),
    hasMore: page.hasMore,
  };
}

/** Every merchant's open review items, oldest first, each naming its merchant: the fraud operators' queue. */
export async function listOperatorReviews(
  deps: Pick<ReviewDeps, 'reads'>,
  query: ListReviewsQuery,
): Promise<{ items: OperatorReviewResource[]; hasMore: boolean }> {
  const page = await openReviews(deps, EVERY_MERCHANT, query);
  return {
    items: page.items.map((r) => operatorReviewResource(r.item, r.payment, r.assessment)),
    hasMore: page.hasMore,
  };
}

async function openReviews(
  deps: Pick<ReviewDeps, 'reads'>,
  merchantId: string | typeof EVERY_MERCHANT,
  query: ListReviewsQuery,
) {
  const page = await deps.reads.listOpenReviews(merchantId, {
    limit: query.limit,
    ...(query.starting_after ? { startingAfter: query.starting_after } : {}),
  });
  if (page === 'unknown-cursor') {
    throw new InvalidInputError([
      {
        field: 'query.starting_after',
        message: `no review of payment ${query.starting_after} to continue after`,
      },
    ]);
  }
  return page;
}

export interface DecideReviewCommand {
  merchantId: string;
  paymentId: string;
  /** The token's subject. */
  reviewer: string;
  correlationId: string;
  decision: ReviewDecision;
  note?: string;
}

const REFUND_REASON = 'fraudulent (manual review)';

/**
 * A reviewer's decision, final: in one transaction the payment moves as the state machine allows, a `fraud`
 * decision refunds what remains, the review closes, the label reaches the feature store, and ReviewDecided (then
 * PaymentApproved, PaymentFailed or PaymentRefunded) goes to the outbox. `confirm` on a payment in review emits
 * no second PaymentApproved: that went out when the payment went through.
 */
export async function decideReview(deps: ReviewDeps, command: DecideReviewCommand): Promise<ReviewResource> {
  const now = deps.now().toISOString();
  const { merchantId, paymentId, decision } = command;
  const { item, payment, events } = await deps.transaction(async (uow) => {
    const current = await uow.payments.lockPayment(merchantId, paymentId);
    const open = current ? await uow.fraud.lockReview(merchantId, paymentId) : undefined;
    if (!current || !open) throw new NotFoundError(`no review for payment ${paymentId}`);
    if (open.decision !== undefined) {
      throw new ConflictError(
        'review-already-decided',
        `the review of payment ${paymentId} was decided already (${open.decision} by ${open.reviewer} at ` +
          `${open.decidedAt}); a decision is final`,
        { decision: open.decision, reviewer: open.reviewer, decidedAt: open.decidedAt },
      );
    }
    const fits = decisionsThatFit(current.status);
    if (!fits.includes(decision)) {
      throw new ConflictError(
        'review-decision-does-not-fit',
        `payment ${paymentId} is ${current.status}: ${decision} does not fit; ` +
          (fits.length > 0 ? `the decisions that fit are ${fits.join(' and ')}` : 'no decision fits'),
        { paymentStatus: current.status, allowedDecisions: fits },
      );
    }

    let payment = current;
    let refund: Refund | undefined;
    const move = (to: PaymentStatus, changes: Partial<Payment> = {}): Payment => {
      assertTransition(current.status, to);
      return { ...current, ...changes, status: to, version: current.version + 1, updatedAt: now };
    };
    if (decision === 'approve' || (decision === 'confirm' && current.status === 'in_review')) {
      payment = move('approved');
    } else if (decision === 'reject') {
      payment = move('failed');
    } else if (decision === 'fraud' && remainingRefundable(current) > 0) {
      const amount = remainingRefundable(current);
      const refunded = current.amountRefunded + amount;
      payment = move(statusAfterRefund(current.status, current.amount, refunded), {
        amountRefunded: refunded,
      });
      refund = {
        id: newId(),
        paymentId,
        merchantId,
        amount,
        currency: current.currency,
        reason: REFUND_REASON,
        createdAt: now,
      };
    }
    if (payment !== current) await uow.payments.savePayment(payment);
    if (refund) await uow.payments.insertRefund(refund, undefined);

    const closed: ReviewItem = {
      ...open,
      decision,
      reviewer: command.reviewer,
      decidedAt: now,
      ...(command.note === undefined ? {} : { note: command.note }),
    };
    await uow.fraud.closeReview({
      paymentId,
      decision,
      reviewer: command.reviewer,
      decidedAt: now,
      ...(command.note === undefined ? {} : { note: command.note }),
    });
    await uow.fraud.recordLabel({
      merchantId,
      paymentId,
      fraud: isFraudDecision(decision),
      source: 'review',
      at: now,
    });

    const fields = { merchantId, paymentId, correlationId: command.correlationId };
    const snapshot = snapshotOf(payment);
    const events: AnyEventEnvelope[] = [
      buildEvent('ReviewDecided', {
        ...fields,
        data: {
          payment: snapshot,
          decision,
          reviewer: command.reviewer,
          ...(command.note === undefined ? {} : { note: command.note }),
        },
      }),
    ];
    if (decision === 'approve') {
      events.push(
        buildEvent('PaymentApproved', { ...fields, data: { payment: snapshot, decidedBy: 'reviewer' } }),
      );
    } else if (decision === 'reject') {
      events.push(
        buildEvent('PaymentFailed', {
          ...fields,
          data: { payment: snapshot, reason: 'rejected by a reviewer' },
        }),
      );
    } else if (refund) {
      events.push(
        buildEvent('PaymentRefunded', {
          ...fields,
          data: {
            payment: snapshot,
            refund: {
              id: refund.id,
              amount: refund.amount,
              currency: refund.currency,
              reason: REFUND_REASON,
            },
          },
        }),
      );
    }
    await uow.payments.appendEvents(events);
    return { item: closed, payment, events };
  });
  await deps.events.publishCommitted(events);
  const assessment = await deps.reads.findAssessment(merchantId, paymentId);
  if (!assessment) throw new Error(`payment ${paymentId} has a review but no assessment`);
  return reviewResource(item, payment, assessment);
}

/**
 * A fraud operator's decision on any merchant's review: the same decision as the merchant's own, recorded with the
 * operator as reviewer. The review names its merchant; no review of that payment is a 404.
 */
export async function decideReviewAsOperator(
  deps: ReviewDeps,
  command: Omit<DecideReviewCommand, 'merchantId'>,
): Promise<OperatorReviewResource> {
  const merchantId = await deps.reads.merchantOfReview(command.paymentId);
  if (!merchantId) throw new NotFoundError(`no review for payment ${command.paymentId}`);
  const decided = await decideReview(deps, { ...command, merchantId });
  return { ...decided, merchantId };
}
