import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  HOURS_PER_DAY,
  LABEL_DELAY_DAYS,
} from '../../functions/fraud/features';
import type { Queryable } from '../../functions/shared/db/client';
import type { FeatureTable } from '../features/export';

/**
 * A training set from a deployment's own traffic: every stored assessment (its features are what the model read
 * from the feature store when the payment was scored) with its label as it stood at `asOf`. Labels are the
 * fraud_labels rows: reviewers' decisions, fraud reports (chargebacks) and the model's own declines, each dated.
 *
 * The label delay: a payment made less than LABEL_DELAY_DAYS before `asOf` is left out (its label may still be
 * coming: counting it genuine would teach the model that fresh frauds are genuine), and a label dated after
 * `asOf` is not seen, so an export as of a past day is the export that day would have given.
 */
export interface TrainingSetOptions {
  asOf: Date;
  /** only this merchant's assessments (default: all) */
  merchantId?: string;
  labelDelayDays?: number;
}

export interface TrainingSet {
  table: FeatureTable;
  /** UTC day number (days since 1970-01-01) of table day 0 */
  firstDay: number;
  /** table days spanned: day values are 0 .. days - 1 */
  days: number;
  frauds: number;
  /** frauds by the source of their label */
  fraudsBySource: Record<string, number>;
  /** assessments left out: too recent for the label delay, or scored with another feature set */
  leftOut: { tooRecent: number; otherFeatures: number };
}

interface Row {
  features: Record<string, number>;
  card_fingerprint: string;
  hour: number;
  fraud: boolean | null;
  source: string | null;
}

export async function exportTrainingSet(sql: Queryable, options: TrainingSetOptions): Promise<TrainingSet> {
  const delay = options.labelDelayDays ?? LABEL_DELAY_DAYS;
  const asOfHour = Math.floor(options.asOf.getTime() / 3_600_000);
  // a payment in hour h is in when all of it is at least `delay` days old at asOf
  const lastHour = asOfHour - HOURS_PER_DAY * delay - 1;
  const merchant = options.merchantId ?? null;
  const rows = await sql<Row[]>`
    select a.features, a.card_fingerprint, a.hour, l.fraud, l.source
      from fraud_assessments a
      left join fraud_labels l on l.payment_id = a.payment_id and l.labelled_at <= ${options.asOf}
     where a.hour <= ${lastHour} and (${merchant}::text is null or a.merchant_id = ${merchant})
     order by a.hour, a.assessed_at, a.payment_id`;
  const [recent] = await sql<{ n: number }[]>`
    select count(*)::int as n from fraud_assessments a
     where a.hour > ${lastHour} and a.assessed_at <= ${options.asOf}
       and (${merchant}::text is null or a.merchant_id = ${merchant})`;

  const kept = rows.filter((r) => FEATURE_NAMES.every((name) => typeof r.features[name] === 'number'));
  const values = new Float64Array(kept.length * FEATURE_COUNT);
  const labels = new Uint8Array(kept.length);
  const day = new Int32Array(kept.length);
  const customer = new Int32Array(kept.length);
  const cards = new Map<string, number>();
  const fraudsBySource: Record<string, number> = {};
  const firstDay = kept.length > 0 ? Math.floor(kept[0]!.hour / HOURS_PER_DAY) : 0;
  kept.forEach((r, i) => {
    FEATURE_NAMES.forEach((name, k) => (values[i * FEATURE_COUNT + k] = r.features[name]!));
    const fraud = r.fraud === true;
    labels[i] = fraud ? 1 : 0;
    if (fraud) fraudsBySource[r.source!] = (fraudsBySource[r.source!] ?? 0) + 1;
    day[i] = Math.floor(r.hour / HOURS_PER_DAY) - firstDay;
    let card = cards.get(r.card_fingerprint);
    if (card === undefined) {
      card = cards.size;
      cards.set(r.card_fingerprint, card);
    }
    customer[i] = card;
  });
  return {
    table: { rows: kept.length, values, labels, day, customer },
    firstDay,
    days: kept.length > 0 ? (day[kept.length - 1] as number) + 1 : 0,
    frauds: labels.reduce((a, b) => a + b, 0),
    fraudsBySource,
    leftOut: { tooRecent: recent!.n, otherFeatures: rows.length - kept.length },
  };
}

/**
 * The time-based split: the last `validDays` days validate (comparison, calibration, thresholds), the training
 * days end `gapDays` before them (the label delay: no training label is younger than the validation window's
 * start), and start at day 0. Spans are [from, to) in table days.
 */
export function timeSplit(
  days: number,
  validDays = 14,
  gapDays = LABEL_DELAY_DAYS,
): { train: [number, number]; valid: [number, number] } {
  const valid: [number, number] = [days - validDays, days];
  const train: [number, number] = [0, days - validDays - gapDays];
  if (train[1] < 7) {
    throw new Error(
      `${days} days of assessments: training needs at least 7 days before a ${gapDays}-day gap and ${validDays} validation days`,
    );
  }
  return { train, valid };
}
