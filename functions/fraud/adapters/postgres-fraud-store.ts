import { toPayment } from '../../payments/adapters/postgres-payment-store';
import type { Queryable, Sql } from '../../shared/db/client';
import type { FraudAction, Thresholds } from '../decision';
import {
  CARD_WINDOW_DAYS,
  cardTotals,
  cardWindow,
  TERMINAL_WINDOW_DAYS,
  terminalTotals,
  terminalWindow,
  type DayBucket,
  type DayRange,
  type FeatureName,
} from '../features';
import type {
  Assessment,
  FeatureKeys,
  FraudReadStore,
  FraudWriteSession,
  Label,
  OpenReview,
  ReviewDecision,
  ReviewItem,
  ReviewKind,
  ScoringInputs,
  ShadowOpinion,
} from '../ports';

/** The days any card (resp. terminal) window of a payment on `day` reads: one range query covers them all. */
function covering(windows: readonly number[], window: (day: number, n: number) => DayRange, day: number) {
  const ranges = windows.map((n) => window(day, n));
  return {
    from: Math.min(...ranges.map((r) => r.from)),
    to: Math.max(...ranges.map((r) => r.to)),
  };
}

interface BucketRow {
  kind: 'card' | 'terminal' | 'assessed' | 'label';
  day: number;
  tx_count: number;
  amount_milli: number;
  fraud_count: number;
}

interface AssessmentRow {
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
  day: number;
  amount_milli: number;
  assessed_at: Date;
}

type PaymentRow = Parameters<typeof toPayment>[0];

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

interface ReviewRow {
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
    day: row.day,
    amountMilli: row.amount_milli,
    assessedAt: row.assessed_at.toISOString(),
  };
}

function toReview(row: ReviewRow): ReviewItem {
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

export class PostgresFraudSession implements FraudWriteSession {
  constructor(private readonly tx: Queryable) {}

  async scoringInputs(keys: FeatureKeys, paymentId: string, day: number): Promise<ScoringInputs> {
    const card = covering(CARD_WINDOW_DAYS, cardWindow, day);
    const terminal = covering(TERMINAL_WINDOW_DAYS, terminalWindow, day);
    // One round trip: both entities' buckets, and whether the payment was already assessed or labelled.
    const rows = await this.tx<BucketRow[]>`
      select 'card' as kind, day, tx_count, amount_milli, fraud_count from fraud_card_days
       where merchant_id = ${keys.merchantId} and card_fingerprint = ${keys.cardFingerprint}
         and day between ${card.from} and ${card.to}
      union all
      select 'terminal', day, tx_count, amount_milli, fraud_count from fraud_terminal_days
       where merchant_id = ${keys.merchantId} and terminal_id = ${keys.terminalId}
         and day between ${terminal.from} and ${terminal.to}
      union all
      select 'assessed', 0, 0, 0, 0 from fraud_assessments where payment_id = ${paymentId}
      union all
      select 'label', 0, 0, 0, case when fraud then 1 else 0 end from fraud_labels where payment_id = ${paymentId}`;
    const cardDays = new Map<number, DayBucket>();
    const terminalDays = new Map<number, DayBucket>();
    let alreadyAssessed = false;
    let labelledFraud = false;
    for (const row of rows) {
      const bucket = { count: row.tx_count, amountMilli: row.amount_milli, fraudCount: row.fraud_count };
      if (row.kind === 'card') cardDays.set(row.day, bucket);
      else if (row.kind === 'terminal') terminalDays.set(row.day, bucket);
      else if (row.kind === 'assessed') alreadyAssessed = true;
      else labelledFraud = row.fraud_count === 1;
    }
    return {
      card: cardTotals((d) => cardDays.get(d), day),
      terminal: terminalTotals((d) => terminalDays.get(d), day),
      alreadyAssessed,
      labelledFraud,
    };
  }

  async saveAssessment(
    a: Assessment,
    options: { countFraud: boolean; openReview?: ReviewKind },
  ): Promise<void> {
    const tx = this.tx;
    const fraud = options.countFraud ? 1 : 0;
    // One statement: data-modifying CTEs all run, whether or not the outer query reads them.
    await tx`
      with card as (
        insert into fraud_card_days (merchant_id, card_fingerprint, day, tx_count, amount_milli, fraud_count)
        values (${a.merchantId}, ${a.cardFingerprint}, ${a.day}, 1, ${a.amountMilli}, ${fraud})
        on conflict (merchant_id, card_fingerprint, day) do update
           set tx_count = fraud_card_days.tx_count + 1,
               amount_milli = fraud_card_days.amount_milli + excluded.amount_milli,
               fraud_count = fraud_card_days.fraud_count + excluded.fraud_count
      ), terminal as (
        insert into fraud_terminal_days (merchant_id, terminal_id, day, tx_count, amount_milli, fraud_count)
        values (${a.merchantId}, ${a.terminalId}, ${a.day}, 1, ${a.amountMilli}, ${fraud})
        on conflict (merchant_id, terminal_id, day) do update
           set tx_count = fraud_terminal_days.tx_count + 1,
               amount_milli = fraud_terminal_days.amount_milli + excluded.amount_milli,
               fraud_count = fraud_terminal_days.fraud_count + excluded.fraud_count
      ), review as (
        insert into fraud_reviews (payment_id, merchant_id, kind, opened_at)
        select ${a.paymentId}, ${a.merchantId}, ${options.openReview ?? null}::text, ${a.assessedAt}
         where ${options.openReview ?? null}::text is not null
      )
      insert into fraud_assessments (payment_id, merchant_id, event_id, model_version, probability, score, action,
                                     applied, thresholds, features, reasons, shadow, card_fingerprint, terminal_id,
                                     day, amount_milli, assessed_at)
      values (${a.paymentId}, ${a.merchantId}, ${a.eventId}, ${a.modelVersion}, ${a.probability}, ${a.score},
              ${a.action}, ${a.applied}, ${tx.json(a.thresholds as never)}, ${tx.json(a.features as never)},
              ${tx.json(a.reasons)}, ${a.shadow ? tx.json(a.shadow as never) : null}, ${a.cardFingerprint},
              ${a.terminalId}, ${a.day}, ${a.amountMilli}, ${a.assessedAt})`;
  }

  async lockReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined> {
    const [row] = await this.tx<ReviewRow[]>`
      select * from fraud_reviews where payment_id = ${paymentId} and merchant_id = ${merchantId} for update`;
    return row ? toReview(row) : undefined;
  }

  async closeReview(item: {
    paymentId: string;
    decision: ReviewDecision;
    reviewer: string;
    decidedAt: string;
    note?: string;
  }): Promise<void> {
    const updated = await this.tx`
      update fraud_reviews
         set decision = ${item.decision}, reviewer = ${item.reviewer}, note = ${item.note ?? null},
             decided_at = ${item.decidedAt}
       where payment_id = ${item.paymentId} and decision is null`;
    if (updated.count !== 1) throw new Error(`review of payment ${item.paymentId} is not open`);
  }

  async recordLabel(label: Label): Promise<{ becameFraud: boolean }> {
    // The upsert returns a row only when it inserted, or turned a genuine label into fraud; only then, and only
    // for an assessed payment, do the buckets count one more fraud (a later scoring counts an earlier label).
    const [row] = await this.tx<{ became_fraud: boolean }[]>`
      with labelled as (
        insert into fraud_labels (payment_id, merchant_id, fraud, source, labelled_at)
        values (${label.paymentId}, ${label.merchantId}, ${label.fraud}, ${label.source}, ${label.at})
        on conflict (payment_id) do update
           set fraud = true, source = excluded.source, labelled_at = excluded.labelled_at
         where excluded.fraud and not fraud_labels.fraud
        returning fraud
      ), assessed as (
        select a.merchant_id, a.card_fingerprint, a.terminal_id, a.day from fraud_assessments a
         where a.payment_id = ${label.paymentId} and exists (select 1 from labelled where labelled.fraud)
      ), card as (
        update fraud_card_days d set fraud_count = d.fraud_count + 1 from assessed a
         where d.merchant_id = a.merchant_id and d.card_fingerprint = a.card_fingerprint and d.day = a.day
      ), terminal as (
        update fraud_terminal_days d set fraud_count = d.fraud_count + 1 from assessed a
         where d.merchant_id = a.merchant_id and d.terminal_id = a.terminal_id and d.day = a.day
      )
      select exists (select 1 from labelled where labelled.fraud) as became_fraud`;
    return { becameFraud: row?.became_fraud ?? false };
  }
}

export class PostgresFraudReadStore implements FraudReadStore {
  constructor(private readonly sql: Sql) {}

  async listOpenReviews(
    merchantId: string,
    page: { limit: number; startingAfter?: string },
  ): Promise<{ items: OpenReview[]; hasMore: boolean } | 'unknown-cursor'> {
    const sql = this.sql;
    let after = sql``;
    if (page.startingAfter) {
      const [cursor] = await sql<{ opened_at: Date; payment_id: string }[]>`
        select opened_at, payment_id from fraud_reviews
         where payment_id = ${page.startingAfter} and merchant_id = ${merchantId}`;
      if (!cursor) return 'unknown-cursor';
      after = sql`and (r.opened_at, r.payment_id) > (${cursor.opened_at}, ${cursor.payment_id})`;
    }
    const rows = await sql<(PaymentRow & OpenReviewColumns)[]>`
      select p.*, r.kind as review_kind, r.opened_at as review_opened_at, a.score, a.probability,
             a.model_version, a.action, a.reasons, a.assessed_at
        from fraud_reviews r
        join payments p on p.id = r.payment_id
        join fraud_assessments a on a.payment_id = r.payment_id
       where r.merchant_id = ${merchantId} and r.decision is null
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

  async findReview(merchantId: string, paymentId: string): Promise<ReviewItem | undefined> {
    const [row] = await this.sql<ReviewRow[]>`
      select * from fraud_reviews where payment_id = ${paymentId} and merchant_id = ${merchantId}`;
    return row ? toReview(row) : undefined;
  }
}

/** Deletes feature-store buckets older than `beforeDay` (no window reads them; see BUCKET_RETENTION_DAYS). */
export async function pruneFeatureStore(sql: Sql, beforeDay: number): Promise<number> {
  const cards = await sql`delete from fraud_card_days where day < ${beforeDay}`;
  const terminals = await sql`delete from fraud_terminal_days where day < ${beforeDay}`;
  return cards.count + terminals.count;
}
