/**
 * How one event changes the rollups, as pure functions. Two kinds of effect:
 * - per event, commutative (a count and a sum in the minute the event occurred): created, failed, anomalies,
 *   reviews, refunds. Order of arrival cannot matter.
 * - per payment, "first of": the approval (once per payment, in the minute of its first PaymentApproved) and the
 *   decision latency (PaymentCreated to the first decision). These depend on several events; the consumer keeps
 *   the payment's known facts (PaymentFacts) and what it has counted, and `reconcile` returns the correction
 *   (minus what was counted, plus what should be) whenever a late event changes the answer.
 */
import type { PaymentEventEnvelope } from '../domain/events';
import type { BusinessMetricName } from '../shared/metrics/catalogue';
import { bucketOf } from './histogram';

export const COUNTERS = [
  'created_count',
  'created_amount',
  'approved_count',
  'approved_amount',
  'failed_count',
  'failed_amount',
  'anomalies_count',
  'review_count',
  'held_count',
  'declined_count',
  'reviewed_count',
  'reviewed_fraud_count',
  'refunds_count',
  'refunded_amount',
  'latency_count',
  'latency_sum_ms',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const GRAINS = ['m', 'h', 'd'] as const;
export type Grain = (typeof GRAINS)[number];
export const GRAIN_MS: Record<Grain, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The start of the UTC period of `grain` holding `at`. */
export function periodStart(at: Date | number, grain: Grain): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor(ms / GRAIN_MS[grain]) * GRAIN_MS[grain]);
}

/** A change to one minute of one currency. */
export interface MinuteDelta {
  minute: Date;
  currency: string;
  counters: Partial<Counters>;
  latencyBuckets?: Record<number, number>;
  failureReasons?: Record<string, number>;
}

/**
 * A business metric (functions/shared/metrics/catalogue.ts) in the payment's (or the refund's) currency; emitted
 * only for what was newly counted.
 */
export interface Signal {
  metric: BusinessMetricName;
  value: number;
  currency: string;
}

/** A signal and the merchant whose event it counts: what the business metrics publish. */
export interface MerchantSignal extends Signal {
  merchantId: string;
}

const MAX_REASON_LENGTH = 64;

function minuteOf(iso: string): Date {
  return periodStart(Date.parse(iso), 'm');
}

/** The commutative, per-event part. */
export function eventDeltas(event: PaymentEventEnvelope): { deltas: MinuteDelta[]; signals: Signal[] } {
  const minute = minuteOf(event.occurredAt);
  const payment = event.data.payment;
  const at = (counters: Partial<Counters>, extra: Partial<MinuteDelta> = {}): MinuteDelta => ({
    minute,
    currency: payment.currency,
    counters,
    ...extra,
  });
  switch (event.type) {
    case 'PaymentCreated':
      return {
        deltas: [at({ created_count: 1, created_amount: payment.amount })],
        signals: [
          { metric: 'PaymentsCreated', value: 1, currency: payment.currency },
          { metric: 'PaymentVolume', value: payment.amount, currency: payment.currency },
        ],
      };
    case 'PaymentApproved':
      return { deltas: [], signals: [] };
    case 'PaymentFailed': {
      const reason = event.data.reason.slice(0, MAX_REASON_LENGTH) || 'unspecified';
      return {
        deltas: [at({ failed_count: 1, failed_amount: payment.amount }, { failureReasons: { [reason]: 1 } })],
        signals: [{ metric: 'PaymentsFailed', value: 1, currency: payment.currency }],
      };
    }
    case 'AnomalyDetected': {
      const byAction = { review: 'review_count', hold: 'held_count', decline: 'declined_count' } as const;
      return {
        deltas: [at({ anomalies_count: 1, [byAction[event.data.action]]: 1 })],
        signals: [{ metric: 'AnomaliesDetected', value: 1, currency: payment.currency }],
      };
    }
    case 'ReviewDecided': {
      const fraud = event.data.decision === 'reject' || event.data.decision === 'fraud';
      return {
        deltas: [at({ reviewed_count: 1, reviewed_fraud_count: fraud ? 1 : 0 })],
        signals: fraud ? [{ metric: 'FraudConfirmed', value: 1, currency: payment.currency }] : [],
      };
    }
    case 'PaymentRefunded': {
      const { refund } = event.data;
      return {
        deltas: [
          {
            minute,
            currency: refund.currency,
            counters: { refunds_count: 1, refunded_amount: refund.amount },
          },
        ],
        signals: [{ metric: 'RefundedAmount', value: refund.amount, currency: refund.currency }],
      };
    }
  }
}

/** What one event tells about its payment's "first of" facts; undefined when it tells nothing. */
export interface PaymentFactsUpdate {
  paymentId: string;
  merchantId: string;
  currency: string;
  amount: number;
  createdAt?: Date;
  approvedAt?: Date;
  decidedAt?: Date;
}

export function factsOf(event: PaymentEventEnvelope): PaymentFactsUpdate | undefined {
  const at = new Date(event.occurredAt);
  const base = {
    paymentId: event.paymentId,
    merchantId: event.merchantId,
    currency: event.data.payment.currency,
    amount: event.data.payment.amount,
  };
  switch (event.type) {
    case 'PaymentCreated':
      return { ...base, createdAt: at };
    case 'PaymentApproved':
      return { ...base, approvedAt: at, decidedAt: at };
    case 'PaymentFailed':
      return { ...base, decidedAt: at };
    case 'AnomalyDetected':
      // review and decline come with their own PaymentApproved / PaymentFailed; a hold is the decision itself.
      return event.data.action === 'hold' ? { ...base, decidedAt: at } : undefined;
    default:
      return undefined;
  }
}

/** A payment's facts after the update (earliest of each) and what the rollups count for it so far. */
export interface PaymentFacts {
  paymentId: string;
  currency: string;
  amount: number;
  createdAt: Date | null;
  firstApprovedAt: Date | null;
  firstDecidedAt: Date | null;
  countedApprovedAt: Date | null;
  countedLatencyAt: Date | null;
  countedLatencyMs: number | null;
}

export interface Counted {
  approvedAt: Date | null;
  latencyAt: Date | null;
  latencyMs: number | null;
}

function sameMinute(a: Date | null, b: Date | null): boolean {
  if (a === null || b === null) return a === b;
  return periodStart(a, 'm').getTime() === periodStart(b, 'm').getTime();
}

/**
 * The correction that makes the rollups count what the facts now say: an approval in the minute of the first
 * PaymentApproved, a latency sample in the minute of the first decision. Returns undefined when nothing changes.
 */
export function reconcile(
  facts: PaymentFacts,
): { deltas: MinuteDelta[]; counted: Counted; signals: Signal[] } | undefined {
  const deltas: MinuteDelta[] = [];
  const signals: Signal[] = [];
  const { currency, amount } = facts;
  const delta = (at: Date, counters: Partial<Counters>, latencyBuckets?: Record<number, number>) =>
    deltas.push({
      minute: periodStart(at, 'm'),
      currency,
      counters,
      ...(latencyBuckets ? { latencyBuckets } : {}),
    });

  const approvedAt = facts.firstApprovedAt;
  let countedApprovedAt = facts.countedApprovedAt;
  if (!sameMinute(approvedAt, countedApprovedAt)) {
    if (countedApprovedAt) delta(countedApprovedAt, { approved_count: -1, approved_amount: -amount });
    else signals.push({ metric: 'PaymentsApproved', value: 1, currency });
    if (approvedAt) delta(approvedAt, { approved_count: 1, approved_amount: amount });
    countedApprovedAt = approvedAt;
  }

  const latencyAt = facts.createdAt && facts.firstDecidedAt ? facts.firstDecidedAt : null;
  // Clocks of different writers may disagree by a little: a decision "before" its creation counts as 0 ms.
  const latencyMs = latencyAt ? Math.max(0, latencyAt.getTime() - facts.createdAt!.getTime()) : null;
  let { countedLatencyAt, countedLatencyMs } = facts;
  if (!sameMinute(latencyAt, countedLatencyAt) || latencyMs !== countedLatencyMs) {
    if (countedLatencyAt && countedLatencyMs !== null) {
      delta(
        countedLatencyAt,
        { latency_count: -1, latency_sum_ms: -countedLatencyMs },
        {
          [bucketOf(countedLatencyMs)]: -1,
        },
      );
    } else if (latencyMs !== null) {
      signals.push({ metric: 'DecisionLatency', value: latencyMs, currency });
    }
    if (latencyAt && latencyMs !== null) {
      delta(latencyAt, { latency_count: 1, latency_sum_ms: latencyMs }, { [bucketOf(latencyMs)]: 1 });
    }
    countedLatencyAt = latencyAt;
    countedLatencyMs = latencyMs;
  }
  if (deltas.length === 0) return undefined;
  return {
    deltas,
    counted: { approvedAt: countedApprovedAt, latencyAt: countedLatencyAt, latencyMs: countedLatencyMs },
    signals,
  };
}

/** One row of a grain: a MinuteDelta spread to its minute, hour and day, merged by key. */
export interface PeriodRow {
  merchantId: string;
  grain: Grain;
  periodStart: Date;
  currency: string;
  counters: Counters;
  latencyBuckets: Map<number, number>;
  failureReasons: Map<string, number>;
}

export function zeroCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
}

/**
 * Spreads minute deltas to all three grains and merges those that land on the same row (one upsert each), in
 * key order (merchant, grain, period, currency): writers that take rows in one order never deadlock.
 */
export function toPeriodRows(
  batches: readonly { merchantId: string; deltas: readonly MinuteDelta[] }[],
): PeriodRow[] {
  const rows = new Map<string, PeriodRow>();
  for (const { merchantId, deltas } of batches) {
    for (const d of deltas) {
      for (const grain of GRAINS) {
        const start = periodStart(d.minute, grain);
        const key = JSON.stringify([merchantId, grain, start.getTime(), d.currency]);
        let row = rows.get(key);
        if (!row) {
          row = {
            merchantId,
            grain,
            periodStart: start,
            currency: d.currency,
            counters: zeroCounters(),
            latencyBuckets: new Map(),
            failureReasons: new Map(),
          };
          rows.set(key, row);
        }
        for (const [counter, value] of Object.entries(d.counters) as [Counter, number][]) {
          row.counters[counter] += value;
        }
        for (const [bucket, n] of Object.entries(d.latencyBuckets ?? {})) {
          row.latencyBuckets.set(Number(bucket), (row.latencyBuckets.get(Number(bucket)) ?? 0) + n);
        }
        for (const [reason, n] of Object.entries(d.failureReasons ?? {})) {
          row.failureReasons.set(reason, (row.failureReasons.get(reason) ?? 0) + n);
        }
      }
    }
  }
  const order = (r: PeriodRow) => [r.merchantId, r.grain, r.periodStart.getTime(), r.currency] as const;
  return [...rows.values()].sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}
