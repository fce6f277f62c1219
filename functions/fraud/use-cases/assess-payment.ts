import type { AnyEventEnvelope, EventEnvelope } from '../../domain/events';
import type { EventFactory } from '../../shared/consumer/consumer';
import type { InboxEntry } from '../../shared/consumer/inbox';
import type { RecordLogger } from '../../shared/consumer/record-logger';
import { actionFor, type Thresholds } from '../decision';
import { amountMilliFromMinor, computeFeatures, hourIndex, instantMs } from '../features';
import { quoteFor, type FxRates } from '../fx-rates';
import { riskScore, type FraudModel } from '../model';
import type { Assessment, ScoringStore, ShadowOpinion } from '../ports';
import { decide } from '../scoring-decision';

/** What scoring needs, built once per container (consumer-composition.ts). */
export interface ScoringSetup {
  model: FraudModel;
  /** A candidate scored beside the active model and logged; never acts. */
  shadow?: FraudModel;
  thresholds: Thresholds;
  /** The rates table amounts are converted with (fx-rates.ts). */
  rates: FxRates;
}

export interface AssessContext {
  /** The event's inbox entry, which the store's write claims. */
  claim: InboxEntry;
  logger: RecordLogger;
  /** Builds the decision's events (the incoming correlation id). */
  newEvent: EventFactory;
  now?: () => Date;
}

/** 'duplicate': the event was handled already and nothing changed; otherwise the assessment and its events. */
export type AssessOutcome = 'duplicate' | { assessment?: Assessment; events: readonly AnyEventEnvelope[] };

/**
 * Scores a new payment and acts on it in two round trips. The store's read finds, locking nothing, the payment
 * and its card's and terminal's windows from the feature store (or the event in the inbox: a duplicate); the
 * features are scored, the decision taken (scoring-decision.ts), and the store's one write, all or nothing,
 * claims the event in the inbox, stores the assessment, counts the payment in its hour buckets, moves the payment
 * from the version that was read and writes the events to the outbox. A duplicate delivery does nothing; a payment
 * already assessed is left alone (whatever event id brought it); one that already left `pending` is assessed and
 * counted but not moved; one that changed between the read and the write fails (ConcurrentUpdateError), keeping
 * nothing, so that it is scored again.
 */
export async function assessPayment(
  setup: ScoringSetup,
  store: ScoringStore,
  event: EventEnvelope<'PaymentCreated'>,
  ctx: AssessContext,
): Promise<AssessOutcome> {
  // The windows depend on the payment's hour: the event's snapshot tells it, so that the reads go in one round
  // trip; the stored payment is the authority, and should it say otherwise the reads are redone.
  const eventHour = hourIndex(instantMs(event.data.payment.createdAt));
  const first = await store.readForScoring(event.merchantId, event.paymentId, eventHour, ctx.claim);
  if (first === 'duplicate') return 'duplicate';
  if (!first || first.inputs.alreadyAssessed) {
    // Nothing to score; the event is handled all the same.
    const claimed = await store.record(ctx.claim);
    if (first) ctx.logger.info('payment already assessed; nothing to do');
    // Created in the same transaction as its event: this cannot heal by retrying, so it is not retried.
    else ctx.logger.error('PaymentCreated names a payment that does not exist; nothing to assess');
    return claimed === 'duplicate' ? 'duplicate' : { events: [] };
  }
  let read = first;
  const atMs = instantMs(read.payment.createdAt);
  const hour = hourIndex(atMs);
  if (hour !== eventHour) {
    ctx.logger.warn("the event's payment snapshot disagrees with the stored payment's creation time");
    const again = await store.readForScoring(event.merchantId, event.paymentId, hour);
    if (!again || again === 'duplicate') throw new Error(`payment ${event.paymentId} vanished while scored`);
    read = again;
  }
  const { payment, inputs } = read;
  const amountMilli = amountMilliFromMinor(payment.amount, payment.currency);
  const fx = quoteFor(setup.rates, payment.currency);
  const features = computeFeatures(
    { atMs, amountMilli, unitsPerReference: fx.unitsPerReference },
    inputs.card,
    inputs.terminal,
    inputs.terminalRun,
  );
  const [probability] = await setup.model.score([features]);
  const score = riskScore(probability as number, setup.model.metadata);
  const shadow = setup.shadow
    ? await shadowOpinion(setup.shadow, features, setup.thresholds, ctx.logger)
    : undefined;
  const decision = decide(
    {
      eventId: event.id,
      payment,
      features,
      hour,
      amountMilli,
      fx,
      model: { modelVersion: setup.model.version, probability: probability as number, score },
      ...(shadow ? { shadow } : {}),
      thresholds: setup.thresholds,
      now: (ctx.now ?? (() => new Date()))().toISOString(),
    },
    ctx.newEvent,
  );
  const saved = await store.record(ctx.claim, decision);
  if (saved === 'duplicate') return 'duplicate';
  if (saved === 'already-assessed') {
    ctx.logger.info('payment assessed concurrently; nothing to do');
    return { events: [] };
  }
  const { assessment } = decision;
  ctx.logger.info('payment assessed', {
    score,
    probability,
    action: assessment.action,
    modelVersion: setup.model.version,
    applied: assessment.applied,
    ...(shadow ? { shadow } : {}),
  });
  if (!decision.decided)
    ctx.logger.warn(`payment is already ${payment.status}: assessment recorded, not acted on`);
  return { assessment, events: decision.events };
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
