/**
 * The fraud decision for one scored payment, a pure function: from the payment as read, its features, what the
 * model said and the thresholds, to the assessment to store, the payment's transition and the events it emits
 * (see the README's table). Nothing here reads or writes: use-cases/assess-payment.ts reads, scores and hands
 * the decision to the store's one write.
 */
import type { AnyEventEnvelope } from '../domain/events';
import type { Payment } from '../domain/payment';
import { assertTransition } from '../domain/payment-status';
import { snapshotOf } from '../domain/payment-snapshot';
import type { EventFactory } from '../shared/consumer/consumer';
import { actionFor, STATUS_AFTER, type FraudAction, type Thresholds } from './decision';
import { namedFeatures } from './features';
import type { FxQuote } from './fx-rates';
import { topReasons } from './model';
import type { Assessment, ScoringDecision, ShadowOpinion } from './ports';

/** How many reasons an assessment keeps. */
export const REASONS_KEPT = 3;

/** What the active model said about the payment. */
export interface ModelOutput {
  modelVersion: string;
  probability: number;
  /** The calibrated risk score, 0-99. */
  score: number;
}

export interface ScoringFacts {
  /** The PaymentCreated event scored. */
  eventId: string;
  /** The payment as the scoring read it. */
  payment: Payment;
  /** The features the model scored (features/), in FEATURE_NAMES order. */
  features: Float64Array;
  /** The UTC hour bucket the payment is counted in, and its amount in thousandths of a major unit. */
  hour: number;
  amountMilli: number;
  /** The quote the amount was converted to the reference currency with. */
  fx: FxQuote;
  model: ModelOutput;
  /** The candidate model's opinion, stored beside the decision and never acted on. */
  shadow?: ShadowOpinion;
  thresholds: Thresholds;
  /** When the decision is taken (ISO 8601). */
  now: string;
}

/**
 * Decides: the action for the score; a payment still `pending` moves to the action's status (one version on)
 * and the decision's events are built with `newEvent`; one that already left `pending` is assessed (applied:
 * false) and neither moved nor announced. Throws if the state machine forbids the move.
 */
export function decide(facts: ScoringFacts, newEvent: EventFactory): ScoringDecision {
  const { payment, model, thresholds } = facts;
  const action = actionFor(model.score, thresholds);
  const applied = payment.status === 'pending';
  const assessment: Assessment = {
    paymentId: payment.id,
    eventId: facts.eventId,
    modelVersion: model.modelVersion,
    probability: model.probability,
    score: model.score,
    action,
    applied,
    thresholds,
    features: namedFeatures(facts.features),
    reasons: topReasons(facts.features, REASONS_KEPT),
    ...(facts.shadow ? { shadow: facts.shadow } : {}),
    merchantId: payment.merchantId,
    cardFingerprint: payment.paymentMethod.fingerprint,
    terminalId: payment.terminalId,
    hour: facts.hour,
    amountMilli: facts.amountMilli,
    fx: facts.fx,
    assessedAt: facts.now,
  };
  if (!applied) return { assessment, events: [] };
  const to = STATUS_AFTER[action];
  assertTransition(payment.status, to);
  const decided: Payment = { ...payment, status: to, version: payment.version + 1, updatedAt: facts.now };
  const openReview = action === 'review' || action === 'hold' ? action : undefined;
  return {
    assessment,
    decided,
    ...(openReview ? { openReview } : {}),
    events: decisionEvents(newEvent, decided, assessment),
  };
}

/** The events a decision emits (see the README's table). */
function decisionEvents(newEvent: EventFactory, payment: Payment, a: Assessment): AnyEventEnvelope[] {
  const snapshot = snapshotOf(payment);
  const anomaly = (action: Exclude<FraudAction, 'approve'>) =>
    newEvent('AnomalyDetected', {
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
    newEvent('PaymentApproved', { data: { payment: snapshot, decidedBy: 'fraud-model' } });
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
        newEvent('PaymentFailed', {
          data: { payment: snapshot, reason: `declined by the fraud model: risk score ${a.score}` },
        }),
        anomaly('decline'),
      ];
  }
}
