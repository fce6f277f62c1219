import {
  amountMilliFromMajor,
  cardTotals,
  computeFeatures,
  dayIndex,
  FEATURE_COUNT,
  terminalTotals,
  type DayBucket,
} from '../../functions/fraud/features';
import type { Simulation } from '../simulator/simulate';

/**
 * The offline feature export: replays a simulation in time order through the SAME window and feature
 * functions the online store uses (functions/fraud/features), with day buckets held in flat arrays.
 * A transaction's card features see every earlier transaction of the card; its terminal features see the
 * true labels of the terminal's transactions, which the delayed windows only read once 7 days old.
 */
export interface FeatureTable {
  readonly rows: number;
  /** rows x FEATURE_COUNT, row-major, in FEATURE_NAMES order */
  readonly values: Float64Array;
  readonly labels: Uint8Array;
  /** the transaction's day relative to the simulation's start (day 0 = startDate) */
  readonly day: Int32Array;
  readonly customer: Int32Array;
}

export type ExportProgress = (done: number, total: number) => void;

export function exportFeatures(sim: Simulation, progress: ExportProgress = () => {}): FeatureTable {
  const { days, customers, terminals } = sim.options;
  const firstDay = dayIndex(sim.startMs);
  const lastDay = firstDay + days; // one spare day for the last transactions' own buckets
  const span = lastDay - firstDay + 1;

  const cardCount = new Int32Array(customers * span);
  const cardAmount = new Float64Array(customers * span);
  const termCount = new Int32Array(terminals * span);
  const termFraud = new Int32Array(terminals * span);

  const scratch: DayBucket = { count: 0, amountMilli: 0, fraudCount: 0 };
  let entity = 0;
  const cardBucket = (day: number): DayBucket | undefined => {
    if (day < firstDay || day > lastDay) return undefined;
    const k = entity * span + (day - firstDay);
    scratch.count = cardCount[k] as number;
    scratch.amountMilli = cardAmount[k] as number;
    scratch.fraudCount = 0;
    return scratch;
  };
  const terminalBucket = (day: number): DayBucket | undefined => {
    if (day < firstDay || day > lastDay) return undefined;
    const k = entity * span + (day - firstDay);
    scratch.count = termCount[k] as number;
    scratch.amountMilli = 0;
    scratch.fraudCount = termFraud[k] as number;
    return scratch;
  };

  const values = new Float64Array(sim.count * FEATURE_COUNT);
  const dayOut = new Int32Array(sim.count);
  const step = Math.max(1, Math.floor(sim.count / 100));
  for (let i = 0; i < sim.count; i++) {
    if (i % step === 0) progress(i, sim.count);
    const atMs = sim.startMs + (sim.timeSeconds[i] as number) * 1000;
    const amountMilli = amountMilliFromMajor((sim.amountCents[i] as number) / 100);
    const day = dayIndex(atMs);
    const c = sim.customer[i] as number;
    const t = sim.terminal[i] as number;
    entity = c;
    const card = cardTotals(cardBucket, day);
    entity = t;
    const terminal = terminalTotals(terminalBucket, day);
    computeFeatures({ atMs, amountMilli }, card, terminal, values, i * FEATURE_COUNT);
    dayOut[i] = day - firstDay;

    const ck = c * span + (day - firstDay);
    cardCount[ck] = (cardCount[ck] as number) + 1;
    cardAmount[ck] = (cardAmount[ck] as number) + amountMilli;
    const tk = t * span + (day - firstDay);
    termCount[tk] = (termCount[tk] as number) + 1;
    termFraud[tk] = (termFraud[tk] as number) + (sim.fraud[i] as number);
  }
  progress(sim.count, sim.count);
  return { rows: sim.count, values, labels: sim.fraud, day: dayOut, customer: sim.customer };
}

/** A subset of rows (e.g. a training window), copied. */
export function selectRows(table: FeatureTable, keep: (row: number) => boolean): FeatureTable {
  const picked: number[] = [];
  for (let r = 0; r < table.rows; r++) if (keep(r)) picked.push(r);
  const values = new Float64Array(picked.length * FEATURE_COUNT);
  const labels = new Uint8Array(picked.length);
  const day = new Int32Array(picked.length);
  const customer = new Int32Array(picked.length);
  picked.forEach((r, k) => {
    values.set(table.values.subarray(r * FEATURE_COUNT, (r + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
    labels[k] = table.labels[r] as number;
    day[k] = table.day[r] as number;
    customer[k] = table.customer[r] as number;
  });
  return { rows: picked.length, values, labels, day, customer };
}
