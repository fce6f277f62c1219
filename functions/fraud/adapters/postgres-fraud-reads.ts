/**
 * Reading assessments and reviews: what the reading handlers (and GET /payments/{id}) need, without the scoring
 * and review writes and so without the outbox and its event schemas.
 */
import type { FraudAction, Thresholds } from '../decision';
import type { FeatureName } from '../features';
import type { FxQuote } from '../fx-rates';
import { toPayment, type PaymentRow } from '../../payments';
import type { Sql } from '../../shared/db/client';
import type {
  Assessment,
  FraudReadStore,
  OpenReview,
  ReviewDecision,
  ReviewItem,
  ReviewKind,
  ShadowOpinion,
} from '../ports';
import { EVERY_MERCHANT } from '../ports';

export interface AssessmentRow {
  payment_id: string;
  merchant_id: string;
  event_id: string;
  model_version: string;
  probability: number;
  score: number;
  action: FraudAction;
  applied: boolean;
  thresholds: Thresholds;
  features: Record<FeatureName, number>;
  reasons: string[];
  shadow: ShadowOpinion | null;
  card_fingerprint: string;
  terminal_id: string;
  hour: number;
  amount_milli: number;
  fx_quote: FxQuote | null;
  assessed_at: Date;
}

interface OpenReviewColumns {
  review_kind: ReviewKind;
  review_opened_at: Date;
  score: number;
  probability: number;
  model_version: string;
  action: FraudAction;
  reasons: string[];
  assessed_at: Date;
}

export interface ReviewRow {
  payment_id: string;
  merchant_id: string;
  kind: ReviewKind;
  opened_at: Date;
  decision: ReviewDecision | null;
  reviewer: string | null;
  note: string | null;
  decided_at: Date | null;
}

function toAssessment(row: AssessmentRow): Assessment {
  return {
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    eventId: row.event_id,
    modelVersion: row.model_version,
    probability: row.probability,
    score: row.score,
    action: row.action,
    applied: row.applied,
    thresholds: row.thresholds,
    features: row.features,
    reasons: row.reasons,
    ...(row.shadow ? { shadow: row.shadow } : {}),
    cardFingerprint: row.card_fingerprint,
    terminalId: row.terminal_id,
    hour: row.hour,
    amountMilli: row.amount_milli,
    ...(row.fx_quote ? { fx: row.fx_quote } : {}),
    assessedAt: row.assessed_at.toISOString(),
  };
}

export function toReview(row: ReviewRow): ReviewItem {
  return {
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    kind: row.kind,
    openedAt: row.opened_at.toISOString(),
    ...(row.decision === null ? {} : { decision: row.decision }),
    ...(row.reviewer === null ? {} : { reviewer: row.reviewer }),
    ...(row.note === null ? {} : { note: row.note }),
    ...(row.decided_at === null ? {} : { decidedAt: row.decided_at.toISOString() }),
  };
}

export class PostgresFraudReadStore implements FraudReadStore {
  constructor(private readonly sql: Sql) {}

  async listOpenReviews(
    merchantId: string | typeof EVERY_MERCHANT,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: OpenReview[]; hasMore: boolean } | 'unknown-cursor'> {
    const sql = this.sql;
    const ofMerchant = (column: string) =>
      merchantId === EVERY_MERCHANT ? sql`true` : sql`${sql(column)} = ${merchantId}`;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ opened_at: Date; payment_id: string }[]>`
        select opened_at, payment_id from fraud_reviews
         where payment_id = ${page.startingAfter} and ${ofMerchant('merchant_id')}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and (r.opened_at, r.payment_id) > (${cursor.opened_at}, ${cursor.payment_id})`;
    }
    const rows = await sql<(PaymentRow & OpenReviewColumns)[]>`
      select p.*, r.kind as review_kind, r.opened_at as review_opened_at, a.score, a.probability,
             a.model_version, a.action, a.reasons, a.assessed_at
        from fraud_reviews r
        join payments p on p.id = r.payment_id
        join fraud_assessments a on a.payment_id = r.payment_id
       where ${ofMerchant('r.merchant_id')} and r.decision is null
         ${after}
       order by r.opened_at, r.payment_id
       limit ${page.limit + 1}`;
    const items = rows.slice(0, page.limit).map((row) => ({
      item: {
        paymentId: row.id,
        merchantId: row.merchant_id,
        kind: row.review_kind,
        openedAt: row.review_opened_at.toISOString(),
      },
      payment: toPayment(row),
      assessment: {
        score: row.score,
        probability: row.probability,
        modelVersion: row.model_version,
        action: row.action,
        reasons: row.reasons,
        assessedAt: row.assessed_at.toISOString(),
      },
    }));
    return { items, hasMore: rows.length > page.limit };
  }

  async findAssessment(merchantId: string, paymentId: string): Promise<Assessment | undefined> {
    const [row] = await this.sql<AssessmentRow[]>`
      select * from fraud_assessments where payment_id = ${paymentId} and merchant_id = ${merchantId}`;
    return row ? toAssessment(row) : undefined;
  }

  async merchantOfReview(paymentId: string): Promise<string | undefined> {
    const [row] = await this.sql<{ merchant_id: string }[]>`
      select merchant_id from fraud_reviews where payment_id = ${paymentId}`;
    return row?.merchant_id;
  }

  async findReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined> {
    const [row] = await this.sql<ReviewRow[]>`
      select * from fraud_reviews where payment_id = ${paymentId} and merchant_id = ${merchantId}`;
    return row ? toReview(row) : undefined;
  }
}
