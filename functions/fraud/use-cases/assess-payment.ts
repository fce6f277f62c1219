import type { AnyEventEnvelope, EventEnvelope } from '../../domain/events';
import type { Payment } from '../../domain/payment';
import { assertTransition } from '../../domain/payment-status';
import { snapshotOf } from '../../domain/payment-snapshot';
import type { ConsumerContext } from '../../shared/consumer/consumer';
import type { RecordLogger } from '../../shared/consumer/record-logger';
import { actionFor, STATUS_AFTER, type FraudAction, type Thresholds } from '../decision';
import { amountMilliFromMinor, computeFeatures, hourIndex, instantMs, namedFeatures } from '../features';
import { riskScore, topReasons, type FraudModel } from '../model';
import type { Assessment, FraudUnitOfWork, ShadowOpinion } from '../ports';

/** What scoring needs, built once per container (wiring.ts). */
export interface ScoringSetup {
  model: FraudModel;
  /** A candidate scored beside the active model and logged; never acts. */
  shadow?: FraudModel;
  thresholds: Thresholds;
}

export type AssessContext = Pick<ConsumerContext, 'newEvent' | 'wrote' | 'logger' | 'inbox'> & {
  now?: () => Date;
};

/** How many reasons an assessment keeps. */
const REASONS_KEPT = 3;

/**
 * Scores a new payment and acts on it in two round trips. The first reads, locking nothing, the payment and its
 * card's and terminal's windows from the feature store (or finds the event in the inbox: a duplicate); then the
 * features are scored, and one statement, all or nothing, records the event in the inbox (when the runtime leaves
 * that to the handler, `ctx.inbox`), stores the assessment, counts the payment in its hour buckets, moves the
 * payment through the state machine from the version that was read, and writes the events to the outbox (handed
 * to the runtime, which publishes them after commit). Alone, each statement is its own transaction; in a batch,
 * both run in the runtime's. A duplicate delivery does nothing; a payment already assessed is left alone
 * (whatever event id brought it); one that already left `pending` is assessed and counted but not moved; one that
 * changed between the read and the write fails the record, keeping nothing, so that it is scored again.
 */
export async function assessPayment(
  setup: ScoringSetup,
  uow: FraudUnitOfWork,
  event: EventEnvelope<'PaymentCreated'>,
  ctx: AssessContext,
): Promise<Assessment | undefined> {
  // The windows depend on the payment's hour: the event's snapshot tells it, so that the reads go in one round
  // trip; the stored payment is the authority, and should it say otherwise the reads are redone.
  const eventHour = hourIndex(instantMs(event.data.payment.createdAt));
  const first = await uow.fraud.readForScoring(event.merchantId, event.paymentId, eventHour, ctx.inbox);
  if (first === 'duplicate') {
    ctx.inbox?.settle(false);
    return undefined;
  }
  if (!first || first.inputs.alreadyAssessed) {
    // Nothing to score; the event is handled all the same.
    if (ctx.inbox) ctx.inbox.settle(await uow.fraud.claimInbox(ctx.inbox));
    if (first) ctx.logger.info('payment already assessed; nothing to do');
    // Created in the same transaction as its event: this cannot heal by retrying, so it is not retried.
    else ctx.logger.error('PaymentCreated names a payment that does not exist; nothing to assess');
    return undefined;
  }
  let read = first;
  const atMs = instantMs(read.payment.createdAt);
  const hour = hourIndex(atMs);
  if (hour !== eventHour) {
    ctx.logger.warn("the event's payment snapshot disagrees with the stored payment's creation time");
    const again = await uow.fraud.readForScoring(event.merchantId, event.paymentId, hour);
    if (!again || again === 'duplicate') throw new Error(`payment ${event.paymentId} vanished while scored`);
    read = again;
  }
  const { payment, inputs } = read;
  const amountMilli = amountMilliFromMinor(payment.amount, payment.currency);
  const keys = {
    merchantId: payment.merchantId,
    cardFingerprint: payment.paymentMethod.fingerprint,
    terminalId: payment.terminalId,
  };

  const features = computeFeatures({ atMs, amountMilli }, inputs.card, inputs.terminal);
  const [probability] = await setup.model.score([features]);
  const score = riskScore(probability as number, setup.model.metadata);
  const action = actionFor(score, setup.thresholds);
  const shadow = setup.shadow
    ? await shadowOpinion(setup.shadow, features, setup.thresholds, ctx.logger)
    : undefined;
  const now = (ctx.now ?? (() => new Date()))().toISOString();
  const applied = payment.status === 'pending';
  const assessment: Assessment = {
    paymentId: payment.id,
    eventId: event.id,
    modelVersion: setup.model.version,
    probability: probability as number,
    score,
    action,
    applied,
    thresholds: setup.thresholds,
    features: namedFeatures(features),
    reasons: topReasons(features, REASONS_KEPT),
    ...(shadow ? { shadow } : {}),
    ...keys,
    hour,
    amountMilli,
    assessedAt: now,
  };
  let decided: Payment | undefined;
  if (applied) {
    const to = STATUS_AFTER[action];
    assertTransition(payment.status, to);
    decided = { ...payment, status: to, version: payment.version + 1, updatedAt: now };
  }
  const openReview = applied && (action === 'review' || action === 'hold') ? action : undefined;
  const events = decided ? decisionEvents(ctx, decided, assessment) : [];
  const saved = await uow.fraud.recordAssessment(assessment, {
    ...(ctx.inbox ? { claim: ctx.inbox } : {}),
    ...(openReview ? { openReview } : {}),
    ...(decided ? { decided } : {}),
    events,
  });
  ctx.inbox?.settle(saved !== 'duplicate');
  if (saved === 'duplicate') return undefined;
  if (saved === 'already-assessed') {
    ctx.logger.info('payment assessed concurrently; nothing to do');
    return undefined;
  }
  ctx.wrote(events);
  ctx.logger.info('payment assessed', {
    score,
    probability,
    action,
    modelVersion: setup.model.version,
    applied,
    ...(shadow ? { shadow } : {}),
  });
  if (!decided) ctx.logger.warn(`payment is already ${payment.status}: assessment recorded, not acted on`);
  return assessment;
}

/** The events a decision emits (see the README's table). */
function decisionEvents(ctx: AssessContext, payment: Payment, a: Assessment): AnyEventEnvelope[] {
  const snapshot = snapshotOf(payment);
  const anomaly = (action: Exclude<FraudAction, 'approve'>) =>
    ctx.newEvent('AnomalyDetected', {
      data: {
        payment: snapshot,
        score: a.score,
        probability: a.probability,
        modelVersion: a.modelVersion,
        reasons: a.reasons,
        action,
      },
    });
  const approved = () =>
    ctx.newEvent('PaymentApproved', { data: { payment: snapshot, decidedBy: 'fraud-model' } });
  switch (a.action) {
    case 'approve':
      return [approved()];
    case 'review':
      // The payment goes through, and a reviewer looks at it afterwards (Radar's "review").
      return [approved(), anomaly('review')];
    case 'hold':
      return [anomaly('hold')];
    case 'decline':
      return [
        ctx.newEvent('PaymentFailed', {
          data: { payment: snapshot, reason: `declined by the fraud model: risk score ${a.score}` },
        }),
        anomaly('decline'),
      ];
  }
}

/** The candidate model's opinion; its failure is logged and never fails the payment's assessment. */
async function shadowOpinion(
  model: FraudModel,
  features: Float64Array,
  thresholds: Thresholds,
  logger: RecordLogger,
): Promise<ShadowOpinion | undefined> {
  try {
    const [probability] = await model.score([features]);
    const score = riskScore(probability as number, model.metadata);
    return {
      modelVersion: model.version,
      probability: probability as number,
      score,
      action: actionFor(score, thresholds),
    };
  } catch (error) {
    logger.warn('shadow model failed; the active model decided alone', { error, shadowModel: model.version });
    return undefined;
  }
}
