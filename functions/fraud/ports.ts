import type { AnyEventEnvelope } from '../domain/events';
import type { Payment } from '../domain/payment';
import type { PaymentTransitions } from '../payments';
import type { InboxEntry } from '../shared/consumer/inbox';
import type { FraudAction, Thresholds } from './decision';
import type { Bucket, FeatureName, FraudRun } from './features';
import type { FxQuote } from './fx-rates';

export const REVIEW_DECISIONS = ['approve', 'reject', 'confirm', 'fraud'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export type ReviewKind = 'review' | 'hold';

/** The candidate model's opinion on a payment (shadow scoring): stored and logged, never acted on. */
export interface ShadowOpinion {
  modelVersion: string;
  probability: number;
  score: number;
  action: FraudAction;
}

/** What the model saw, what it said, and what was done with the payment. */
export interface Assessment {
  paymentId: string;
  merchantId: string;
  /** The PaymentCreated event scored. */
  eventId: string;
  modelVersion: string;
  probability: number;
  /** Calibrated risk score, 0-99. */
  score: number;
  action: FraudAction;
  /** false when the payment had already left `pending`: the assessment is recorded, not acted on. */
  applied: boolean;
  thresholds: Thresholds;
  features: Record<FeatureName, number>;
  reasons: string[];
  shadow?: ShadowOpinion;
  cardFingerprint: string;
  terminalId: string;
  /** The UTC hour bucket the payment was counted in (features/windows.ts). */
  hour: number;
  amountMilli: number;
  /** The currency quote the model's amounts were converted with; absent on assessments made before quotes. */
  fx?: FxQuote;
  assessedAt: string;
}

export interface ReviewItem {
  paymentId: string;
  merchantId: string;
  kind: ReviewKind;
  openedAt: string;
  decision?: ReviewDecision;
  reviewer?: string;
  note?: string;
  decidedAt?: string;
}

/** The feature store's answer for one payment about to be scored. */
export interface ScoringInputs {
  /** The card's totals over its windows (cardWindows), the payment itself not included. */
  card: Bucket[];
  /** The terminal's totals over its delayed windows (terminalWindows). */
  terminal: Bucket[];
  /** The terminal's latest run of confirmed frauds (terminalFraudRun). */
  terminalRun: FraudRun;
  /** The payment already has an assessment: it must not be counted twice. */
  alreadyAssessed: boolean;
}

export interface FeatureKeys {
  merchantId: string;
  cardFingerprint: string;
  terminalId: string;
}

/** Who labelled a payment: a reviewer, a fraud report (a chargeback), or the model's own decline. */
export type LabelSource = 'review' | 'fraud-report' | 'decline';

export interface Label {
  merchantId: string;
  paymentId: string;
  fraud: boolean;
  source: LabelSource;
  at: string;
}

/** The payment's label as stored after a recordLabel: fraud is sticky, so it may be an earlier one's. */
export interface StoredLabel {
  paymentId: string;
  fraud: boolean;
  source: LabelSource;
  labelledAt: string;
}

/** What scoring reads of a payment: the payment as stored and the feature store's answer for it. */
export interface ScoringRead {
  payment: Payment;
  inputs: ScoringInputs;
}

/** What a scoring decided (scoring-decision.ts), as the store records it. */
export interface ScoringDecision {
  assessment: Assessment;
  /** The payment's next state, one version after the one read; none when it had already left `pending`. */
  decided?: Payment;
  /** The review item to open. */
  openReview?: ReviewKind;
  /** The events the decision emits, written to the outbox with it. */
  events: readonly AnyEventEnvelope[];
}

/**
 * The scoring path's store: one read that locks nothing, then one write, all or nothing, that claims the event in
 * the consumer inbox. Alone, each call is its own transaction; in a batch, both run in the batch's.
 */
export interface ScoringStore {
  /**
   * Reads, locking nothing, the payment and the feature store's windows of its card and terminal for a payment
   * made in hour `hour` (features/windows.ts), and whether it was already assessed, in one round trip. Undefined
   * when the payment does not exist for this merchant. With `claim`: 'duplicate' when the inbox holds that event
   * already (nothing else is read then).
   */
  readForScoring(
    merchantId: string,
    paymentId: string,
    hour: number,
    claim?: InboxEntry,
  ): Promise<ScoringRead | undefined | 'duplicate'>;
  /**
   * In one statement, all or nothing: records the event in the inbox (`claim`; 'duplicate', and nothing written,
   * when it is there already) and, given a decision, locks the payment, stores the assessment, counts the payment
   * in its card and terminal hour buckets (as fraud when it is labelled fraud), opens the review item, saves
   * `decided` only if the payment is still at the version before it, and writes the events to the outbox.
   * 'already-assessed' when the payment has an assessment (a concurrent scoring won): only the claim is kept.
   * Throws ConcurrentUpdateError, keeping nothing, when the payment changed since it was read.
   */
  record(
    claim: InboxEntry | undefined,
    decision?: ScoringDecision,
  ): Promise<'saved' | 'already-assessed' | 'duplicate'>;
}

/**
 * The fraud service's writes of reviews and labels, inside a transaction the caller owns.
 */
export interface FraudWriteSession {
  /** The review item, locked until the transaction ends. */
  lockReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined>;
  closeReview(
    item: Required<Pick<ReviewItem, 'paymentId' | 'decision' | 'reviewer' | 'decidedAt'>> & {
      note?: string;
    },
  ): Promise<void>;
  /**
   * Stores a label (fraud is sticky: a later genuine label does not undo it). When a payment becomes fraud and
   * is already assessed, its card and terminal buckets count one more fraud. The caller holds the payment's lock.
   */
  recordLabel(label: Label): Promise<{ becameFraud: boolean; stored: StoredLabel }>;
}

/** A write session on both services' tables in one transaction: payments' through payments' own port. */
export interface FraudUnitOfWork {
  payments: PaymentTransitions;
  fraud: FraudWriteSession;
}

export interface OpenReview {
  item: ReviewItem;
  payment: Payment;
  assessment: Pick<
    Assessment,
    'score' | 'probability' | 'modelVersion' | 'action' | 'reasons' | 'assessedAt'
  >;
}

/** Stands for every merchant's reviews at once: only the operator review queue asks for it. */
export const EVERY_MERCHANT = Symbol('every merchant');

export interface FraudReadStore {
  listOpenReviews(
    merchantId: string | typeof EVERY_MERCHANT,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: OpenReview[]; hasMore: boolean } | 'unknown-cursor'>;
  findAssessment(merchantId: string, paymentId: string): Promise<Assessment | undefined>;
  findReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined>;
  /** The merchant whose payment a review is about (reviews are unique by payment). */
  merchantOfReview(paymentId: string): Promise<string | undefined>;
}

/** What drift is measured on: the risk score, or one feature by name. */
export type DriftSeries = { kind: 'score' } | { kind: 'feature'; name: string };

/** One bin of a day's distribution of one series: how many assessments fell in it, and their values' sum. */
export interface DriftBin {
  series: DriftSeries;
  bin: number;
  count: number;
  sum: number;
}

/** Where each series' bins are cut (psi.ts): the drift reference's cuts. */
export interface DriftCuts {
  score: readonly number[];
  features: Readonly<Record<string, readonly number[]>>;
}

/** The stored assessments, read for drift (adapters/postgres-drift-reads.ts). */
export interface DriftReads {
  /** How many payments `model` assessed in [from, to). */
  countAssessments(model: string, from: Date, to: Date): Promise<number>;
  /**
   * Those assessments' scores and features counted in the cuts' bins; with `every` above 1, only the payments
   * whose id hashes to a multiple of it (an even sample of about one in `every`).
   */
  binAssessments(model: string, from: Date, to: Date, cuts: DriftCuts, every: number): Promise<DriftBin[]>;
}
