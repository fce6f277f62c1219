import { eventsParameter, writerLease } from '../../shared/outbox/outbox';
import { toPayment } from '../../payments';
import { ConcurrentUpdateError } from '../../domain/errors';
import { inboxEntryJson, type InboxEntry } from '../../shared/consumer/inbox';
import type { Queryable, Sql } from '../../shared/db/client';
import { typed } from '../../shared/db/typed';
import { cardWindows, fraudRunWindow, terminalWindows } from '../features';
import { dayOfHour, splitIntoDays } from './day-split';
import { toReview, type AssessmentRow, type ReviewRow } from './postgres-fraud-reads';
import type {
  FraudWriteSession,
  Label,
  ReviewDecision,
  ReviewItem,
  ScoringDecision,
  ScoringRead,
  ScoringStore,
  StoredLabel,
} from '../ports';

/** The scoring read's answer: the payment's columns (all null when it does not exist) and its window sums. */
type ScoringRow = PaymentRow & {
  duplicate: boolean;
  already_assessed: boolean;
  card_counts: number[];
  card_amounts: number[];
  terminal_counts: number[];
  terminal_frauds: number[];
  terminal_run_frauds: number;
  terminal_run_first_hour: number | null;
};

type PaymentRow = Parameters<typeof toPayment>[0];

/** What fraud_record_assessment raises when the payment moved since it was read (PostgreSQL's 40001). */
const SERIALIZATION_FAILURE = '40001';

export class PostgresFraudSession implements FraudWriteSession, ScoringStore {
  constructor(private readonly tx: Queryable) {}

  async readForScoring(
    merchantId: string,
    paymentId: string,
    hour: number,
    claim?: InboxEntry,
  ): Promise<ScoringRead | undefined | 'duplicate'> {
    const tx = this.tx;
    const cards = cardWindows(hour);
    // A terminal's windows span up to 720 hours: their whole days come from day buckets, the edges from hours.
    const terminals = terminalWindows(hour).map(splitIntoDays);
    const range = (r: { from: number; to: number }) => [r.from, r.to];
    // One call (sql/fraud-scoring.sql), one round trip (its one parameter is typed, jsonb).
    const read = {
      ...(claim ? { inbox: inboxEntryJson(claim) } : {}),
      merchantId,
      paymentId,
      card: cards.map(range),
      terminal: terminals.map((t) => ({ hours: t.hours.map(range), days: t.days ? range(t.days) : null })),
      terminalRun: range(fraudRunWindow(hour)),
    };
    const [row] = await tx<ScoringRow[]>`
      select (r.payment).*, r.duplicate, r.already_assessed, r.card_counts, r.card_amounts,
             r.terminal_counts, r.terminal_frauds, r.terminal_run_frauds, r.terminal_run_first_hour
        from fraud_read_for_scoring(${tx.json(read)}) r`;
    if (row!.duplicate) return 'duplicate';
    if (row!.id === null) return undefined;
    const { card_counts, card_amounts, terminal_counts, terminal_frauds } = row!;
    const runFirstHour = row!.terminal_run_first_hour;
    return {
      payment: toPayment(row!),
      inputs: {
        card: cards.map((_, k) => ({ count: card_counts[k]!, amountMilli: card_amounts[k]!, fraudCount: 0 })),
        terminal: terminals.map((_, k) => ({
          count: terminal_counts[k]!,
          amountMilli: 0,
          fraudCount: terminal_frauds[k]!,
        })),
        terminalRun: {
          frauds: row!.terminal_run_frauds,
          ...(runFirstHour === null ? {} : { firstHour: runFirstHour }),
        },
        alreadyAssessed: row!.already_assessed,
      },
    };
  }

  async record(
    claim: InboxEntry | undefined,
    decision?: ScoringDecision,
  ): Promise<'saved' | 'already-assessed' | 'duplicate'> {
    const tx = this.tx;
    if (!decision) {
      // Nothing to score: the event is handled all the same, and its claim is the one write.
      if (!claim) return 'saved';
      const [row] = await tx<{ claimed: boolean }[]>`
        select claim_inbox_entry(${tx.json(inboxEntryJson(claim))}) as claimed`;
      return row!.claimed ? 'saved' : 'duplicate';
    }
    const a = decision.assessment;
    const p = decision.decided;
    const assessment: Omit<AssessmentRow, 'assessed_at'> & { assessed_at: string } = {
      payment_id: a.paymentId,
      merchant_id: a.merchantId,
      event_id: a.eventId,
      model_version: a.modelVersion,
      probability: a.probability,
      score: a.score,
      action: a.action,
      applied: a.applied,
      thresholds: a.thresholds,
      features: a.features,
      reasons: a.reasons,
      shadow: a.shadow ?? null,
      card_fingerprint: a.cardFingerprint,
      terminal_id: a.terminalId,
      hour: a.hour,
      amount_milli: a.amountMilli,
      fx_quote: a.fx ?? null,
      assessed_at: a.assessedAt,
    };
    const decided = p
      ? {
          id: p.id,
          status: p.status,
          amount_refunded: p.amountRefunded,
          version: p.version,
          updated_at: p.updatedAt,
        }
      : null;
    // One call (sql/fraud-scoring.sql), one round trip (every parameter typed), all or nothing.
    try {
      const [row] = await tx<{ outcome: 'saved' | 'already-assessed' | 'duplicate' }[]>`
        select fraud_record_assessment(${tx.json((claim ? inboxEntryJson(claim) : null) as never)},
                                       ${tx.json(assessment as never)},
                                       ${typed.text(tx, decision.openReview ?? null)}, ${tx.json(decided as never)},
                                       ${eventsParameter(tx, decision.events)},
                                       ${writerLease(tx)}) as outcome`;
      return row!.outcome;
    } catch (error) {
      if (p && (error as { code?: string }).code === SERIALIZATION_FAILURE)
        throw new ConcurrentUpdateError(p.id);
      throw error;
    }
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
