import type { Payment } from '../domain/payment';
import type { PaymentWriteSession } from '../payments/ports';
import type { FraudAction, Thresholds } from './decision';
import type { DayBucket, FeatureName } from './features';

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
  /** The UTC day bucket the payment was counted in. */
  day: number;
  amountMilli: number;
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
  /** The card's totals over CARD_WINDOW_DAYS, the payment itself not included. */
  card: DayBucket[];
  /** The terminal's totals over the delayed TERMINAL_WINDOW_DAYS. */
  terminal: DayBucket[];
  /** The payment already has an assessment: it must not be counted twice. */
  alreadyAssessed: boolean;
  /** A fraud label arrived before the payment was scored: its buckets count it as fraud from the start. */
  labelledFraud: boolean;
}

export interface FeatureKeys {
  merchantId: string;
  cardFingerprint: string;
  terminalId: string;
}

export type LabelSource = 'review' | 'fraud-report';

export interface Label {
  merchantId: string;
  paymentId: string;
  fraud: boolean;
  source: LabelSource;
  at: string;
}

/** The fraud service's writes, inside a transaction the caller owns (the consumer's, or a use case's). */
export interface FraudWriteSession {
  scoringInputs(keys: FeatureKeys, paymentId: string, day: number): Promise<ScoringInputs>;
  /**
   * Counts the payment in its card and terminal day buckets (as fraud when `countFraud`), stores the assessment
   * and, when `openReview` is given, opens the review item.
   */
  saveAssessment(
    assessment: Assessment,
    options: { countFraud: boolean; openReview?: ReviewKind },
  ): Promise<void>;
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
  recordLabel(label: Label): Promise<{ becameFraud: boolean }>;
}

/** A write session on both services' tables in one transaction. */
export interface FraudUnitOfWork {
  payments: PaymentWriteSession;
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

export interface FraudReadStore {
  listOpenReviews(
    merchantId: string,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: OpenReview[]; hasMore: boolean } | 'unknown-cursor'>;
  findAssessment(merchantId: string, paymentId: string): Promise<Assessment | undefined>;
  findReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined>;
}
