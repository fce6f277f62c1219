import type { AnyEventEnvelope } from '../../domain/events';
import type { Payment } from '../../domain/payment';
import { outboxWrites } from '../../outbox/outbox';
import { ConcurrentUpdateError, toPayment } from '../../payments/adapters/postgres-payment-store';
import { inboxInsert, type InboxEntry } from '../../shared/consumer/inbox';
import type { Queryable, Sql } from '../../shared/db/client';
import type { FraudAction, Thresholds } from '../decision';
import { cardWindows, terminalWindows, type FeatureName } from '../features';
import { dayOfHour, mergeRanges, splitIntoDays, type DaySplit } from './day-split';
import type {
  Assessment,
  FraudReadStore,
  FraudWriteSession,
  Label,
  OpenReview,
  ReviewDecision,
  ReviewItem,
  ReviewKind,
  ScoringInputs,
  ShadowOpinion,
  StoredLabel,
} from '../ports';

/** What the scoring read sums, and from where. */
type SumSource = 'card' | 'terminal_hours' | 'terminal_days';
type SumField = 'count' | 'amount' | 'fraud';
const SUM_COLUMNS = { count: 'tx_count', amount: 'amount_milli', fraud: 'fraud_count' } as const;

/** Column names of window k's sums in the scoring read (`card_count_0`, `terminal_days_fraud_2`, ...). */
const sumColumn = (source: SumSource, field: SumField, k: number): string => `${source}_${field}_${k}`;

type ScoringRow = PaymentRow & {
  claimed: boolean;
  already_assessed: boolean;
  labelled_fraud: boolean;
} & Record<string, number>;

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
  hour: number;
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
    hour: row.hour,
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

  async lockForScoring(
    merchantId: string,
    paymentId: string,
    hour: number,
    claim?: InboxEntry,
  ): Promise<{ payment: Payment; inputs: ScoringInputs } | undefined | 'duplicate'> {
    const tx = this.tx;
    const cards = cardWindows(hour);
    // A terminal's windows span up to 720 hours: their whole days come from day buckets, the edges from hours.
    const terminals = terminalWindows(hour).map(splitIntoDays);
    const dayRanges = (split: DaySplit) => (split.days ? [split.days] : []);
    const within = (column: 'hour' | 'day', ranges: readonly { from: number; to: number }[]) =>
      ranges.length === 0
        ? tx`false`
        : ranges
            .map((r) => tx`b.${tx(column)} between ${r.from} and ${r.to}`)
            .reduce((either, or) => tx`${either} or ${or}`);
    // Window k's sums, one FILTER each (columns `${source}_${field}_${k}`), over one scan of the source.
    const sums = (source: SumSource, conditions: ReturnType<typeof within>[], fields: SumField[]) =>
      conditions
        .flatMap((condition, k) =>
          fields.map(
            (field) =>
              tx`coalesce(sum(b.${tx(SUM_COLUMNS[field])}) filter (where ${condition}), 0)::int8
                   as ${tx(sumColumn(source, field, k))}`,
          ),
        )
        .reduce((list, item) => tx`${list}, ${item}`);
    // One round trip: the event's inbox row (when the caller claims it here), then the payment's lock, its card's
    // and terminal's windows (keyed by the locked row itself), and whether it was assessed or labelled already.
    // A duplicate delivery locks and reads nothing. Should the lock wait for a concurrent scoring of the same
    // payment, the reads come from before that scoring committed; saveAssessment then finds its assessment.
    const [answer] = await tx<ScoringRow[]>`
      with claim as (
        ${claim ? inboxInsert(tx, claim) : tx`select 1`}
      ), p as (
        select * from payments
         where id = ${paymentId} and merchant_id = ${merchantId} and exists (select 1 from claim)
           for update
      )
      select exists (select 1 from claim) as claimed, scoring.*
        from (select) as one
        left join lateral (
          select p.*,
                 exists (select 1 from fraud_assessments a where a.payment_id = p.id) as already_assessed,
                 coalesce((select l.fraud from fraud_labels l where l.payment_id = p.id), false) as labelled_fraud,
                 card.*, terminal_hours.*, terminal_days.*
            from p,
            lateral (select ${sums(
              'card',
              cards.map((w) => within('hour', [w])),
              ['count', 'amount'],
            )}
                       from fraud_card_hours b
                      where b.merchant_id = p.merchant_id and b.card_fingerprint = p.card_fingerprint
                        and (${within('hour', mergeRanges(cards))})) card,
            lateral (select ${sums(
              'terminal_hours',
              terminals.map((t) => within('hour', t.hours)),
              ['count', 'fraud'],
            )}
                       from fraud_terminal_hours b
                      where b.merchant_id = p.merchant_id and b.terminal_id = p.terminal_id
                        and (${within('hour', mergeRanges(terminals.flatMap((t) => t.hours)))})) terminal_hours,
            lateral (select ${sums(
              'terminal_days',
              terminals.map((t) => within('day', dayRanges(t))),
              ['count', 'fraud'],
            )}
                       from fraud_terminal_days b
                      where b.merchant_id = p.merchant_id and b.terminal_id = p.terminal_id
                        and (${within('day', mergeRanges(terminals.flatMap(dayRanges)))})) terminal_days
        ) scoring on true`;
    const row = answer!;
    if (!row.claimed) return 'duplicate';
    if (row.id === null) return undefined;
    const sum = (source: SumSource, field: SumField, k: number): number =>
      row[sumColumn(source, field, k)] ?? 0;
    return {
      payment: toPayment(row),
      inputs: {
        card: cards.map((_, k) => ({
          count: sum('card', 'count', k),
          amountMilli: sum('card', 'amount', k),
          fraudCount: 0,
        })),
        terminal: terminals.map((_, k) => ({
          count: sum('terminal_hours', 'count', k) + sum('terminal_days', 'count', k),
          amountMilli: 0,
          fraudCount: sum('terminal_hours', 'fraud', k) + sum('terminal_days', 'fraud', k),
        })),
        alreadyAssessed: row.already_assessed,
        labelledFraud: row.labelled_fraud,
      },
    };
  }

  async saveAssessment(
    a: Assessment,
    options: {
      countFraud: boolean;
      openReview?: ReviewKind;
      decided?: Payment;
      events?: readonly AnyEventEnvelope[];
    },
  ): Promise<'saved' | 'already-assessed'> {
    const tx = this.tx;
    const fraud = options.countFraud ? 1 : 0;
    const p = options.decided;
    // One statement: data-modifying CTEs all run, whether or not the outer query reads them. Everything else
    // hangs on the assessment's insert, the events too: a payment assessed concurrently (its row exists) is left
    // alone. The bucket upserts take the hot rows' locks late, just before the commit.
    const moved = p
      ? tx`update payments
              set status = ${p.status}, amount_refunded = ${p.amountRefunded}, version = ${p.version},
                  updated_at = ${p.updatedAt}
             where id = ${p.id} and version = ${p.version - 1} and exists (select 1 from assessed)
           returning 1`
      : tx`select 1 where false`;
    const [row] = await tx<{ assessed: number; moved: number }[]>`
      with assessed as (
        insert into fraud_assessments (payment_id, merchant_id, event_id, model_version, probability, score, action,
                                       applied, thresholds, features, reasons, shadow, card_fingerprint,
                                       terminal_id, hour, amount_milli, assessed_at)
        values (${a.paymentId}, ${a.merchantId}, ${a.eventId}, ${a.modelVersion}, ${a.probability}, ${a.score},
                ${a.action}, ${a.applied}, ${tx.json(a.thresholds as never)}, ${tx.json(a.features as never)},
                ${tx.json(a.reasons)}, ${a.shadow ? tx.json(a.shadow as never) : null}, ${a.cardFingerprint},
                ${a.terminalId}, ${a.hour}, ${a.amountMilli}, ${a.assessedAt})
        on conflict (payment_id) do nothing
        returning payment_id
      ), review as (
        insert into fraud_reviews (payment_id, merchant_id, kind, opened_at)
        select payment_id, ${a.merchantId}, ${options.openReview ?? null}::text, ${a.assessedAt}::timestamptz
          from assessed
         where ${options.openReview ?? null}::text is not null
      ), moved as (
        ${moved}
      ), card as (
        insert into fraud_card_hours (merchant_id, card_fingerprint, hour, tx_count, amount_milli, fraud_count)
        select ${a.merchantId}, ${a.cardFingerprint}, ${a.hour}::int, 1, ${a.amountMilli}::int8, ${fraud}::int
          from assessed
        on conflict (merchant_id, card_fingerprint, hour) do update
           set tx_count = fraud_card_hours.tx_count + 1,
               amount_milli = fraud_card_hours.amount_milli + excluded.amount_milli,
               fraud_count = fraud_card_hours.fraud_count + excluded.fraud_count
      ), terminal as (
        insert into fraud_terminal_hours (merchant_id, terminal_id, hour, tx_count, amount_milli, fraud_count)
        select ${a.merchantId}, ${a.terminalId}, ${a.hour}::int, 1, ${a.amountMilli}::int8, ${fraud}::int
          from assessed
        on conflict (merchant_id, terminal_id, hour) do update
           set tx_count = fraud_terminal_hours.tx_count + 1,
               amount_milli = fraud_terminal_hours.amount_milli + excluded.amount_milli,
               fraud_count = fraud_terminal_hours.fraud_count + excluded.fraud_count
      ), terminal_day as (
        insert into fraud_terminal_days (merchant_id, terminal_id, day, tx_count, fraud_count)
        select ${a.merchantId}, ${a.terminalId}, ${dayOfHour(a.hour)}::int, 1, ${fraud}::int
          from assessed
        on conflict (merchant_id, terminal_id, day) do update
           set tx_count = fraud_terminal_days.tx_count + 1,
               fraud_count = fraud_terminal_days.fraud_count + excluded.fraud_count
      )
      select (select count(*) from assessed)::int as assessed, (select count(*) from moved)::int as moved,
             ${outboxWrites(tx, options.events ?? [], tx`exists (select 1 from assessed)`)} as outbox_written`;
    if (row!.assessed === 0) return 'already-assessed';
    if (p && row!.moved !== 1) throw new ConcurrentUpdateError(p.id);
    return 'saved';
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

  async recordLabel(label: Label): Promise<{ becameFraud: boolean; stored: StoredLabel }> {
    // The upsert returns a row only when it inserted, or turned a genuine label into fraud; only then, and only
    // for an assessed payment, do the buckets count one more fraud (a later scoring counts an earlier label).
    // The statement answers the label as it now stands: the upserted row, else the one already there.
    const [row] = await this.tx<
      { became_fraud: boolean; fraud: boolean; source: Label['source']; labelled_at: Date }[]
    >`
      with labelled as (
        insert into fraud_labels (payment_id, merchant_id, fraud, source, labelled_at)
        values (${label.paymentId}, ${label.merchantId}, ${label.fraud}, ${label.source}, ${label.at})
        on conflict (payment_id) do update
           set fraud = true, source = excluded.source, labelled_at = excluded.labelled_at
         where excluded.fraud and not fraud_labels.fraud
        returning fraud, source, labelled_at
      ), assessed as (
        select a.merchant_id, a.card_fingerprint, a.terminal_id, a.hour from fraud_assessments a
         where a.payment_id = ${label.paymentId} and exists (select 1 from labelled where labelled.fraud)
      ), card as (
        update fraud_card_hours b set fraud_count = b.fraud_count + 1 from assessed a
         where b.merchant_id = a.merchant_id and b.card_fingerprint = a.card_fingerprint and b.hour = a.hour
      ), terminal as (
        update fraud_terminal_hours b set fraud_count = b.fraud_count + 1 from assessed a
         where b.merchant_id = a.merchant_id and b.terminal_id = a.terminal_id and b.hour = a.hour
      ), terminal_day as (
        update fraud_terminal_days b set fraud_count = b.fraud_count + 1 from assessed a
         where b.merchant_id = a.merchant_id and b.terminal_id = a.terminal_id
           and b.day = floor(a.hour / 24.0)::integer
      )
      select exists (select 1 from labelled where labelled.fraud) as became_fraud, fraud, source, labelled_at
        from labelled
      union all
      select false, fraud, source, labelled_at from fraud_labels
       where payment_id = ${label.paymentId} and not exists (select 1 from labelled)`;
    return {
      becameFraud: row!.became_fraud,
      stored: {
        paymentId: label.paymentId,
        fraud: row!.fraud,
        source: row!.source,
        labelledAt: row!.labelled_at.toISOString(),
      },
    };
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

/**
 * Deletes feature-store buckets older than `beforeHour` (no window reads them; see BUCKET_RETENTION_HOURS): hour
 * buckets before it, day buckets that end before it. A day that starts before it keeps its bucket until the next
 * run: only a window that starts before `beforeHour` would read that day whole, and none does any more.
 */
export async function pruneFeatureStore(sql: Sql, beforeHour: number): Promise<number> {
  const cards = await sql`delete from fraud_card_hours where hour < ${beforeHour}`;
  const terminals = await sql`delete from fraud_terminal_hours where hour < ${beforeHour}`;
  const terminalDays = await sql`delete from fraud_terminal_days where day < ${dayOfHour(beforeHour)}`;
  return cards.count + terminals.count + terminalDays.count;
}
