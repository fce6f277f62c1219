import {
  amountMilliFromMajor,
  amountMilliFromMinor,
  cardWindows,
  computeFeatures,
  dayIndex,
  FEATURE_COUNT,
  hourIndex,
  HOURS_PER_DAY,
  terminalFraudRun,
  terminalWindows,
  type Bucket,
  type HourRange,
} from '../../functions/fraud/features';
import type { LocalCurrencies } from '../simulator/currencies';
import type { Simulation } from '../simulator/simulate';

/**
 * The offline feature export: replays a simulation in time order through the SAME windows and feature
 * function the online store uses (functions/fraud/features), with hour buckets held in flat arrays.
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

/** Sums one window of an entity's hour buckets (`base` = the entity's first slot, hour 0 = `firstHour`). */
function sumRange(
  range: HourRange,
  firstHour: number,
  lastHour: number,
  base: number,
  count: Int32Array,
  amount: Float64Array | undefined,
  fraud: Int32Array | undefined,
): Bucket {
  const total: Bucket = { count: 0, amountMilli: 0, fraudCount: 0 };
  const from = Math.max(range.from, firstHour) - firstHour + base;
  const to = Math.min(range.to, lastHour) - firstHour + base;
  for (let k = from; k <= to; k++) {
    total.count += count[k] as number;
    if (amount) total.amountMilli += amount[k] as number;
    if (fraud) total.fraudCount += fraud[k] as number;
  }
  return total;
}

/**
 * Features of every transaction of `sim`; with `local` (the multi-currency mode) amounts are the local ones,
 * converted for the model at their currency's quote, as serving converts them.
 */
export function exportFeatures(
  sim: Simulation,
  progress: ExportProgress = () => {},
  local?: LocalCurrencies,
): FeatureTable {
  const { days, customers, terminals } = sim.options;
  const firstDay = dayIndex(sim.startMs);
  const firstHour = hourIndex(sim.startMs);
  const lastHour = firstHour + (days + 1) * HOURS_PER_DAY - 1; // a spare day for the last transactions' buckets
  const span = lastHour - firstHour + 1;

  const cardCount = new Int32Array(customers * span);
  const cardAmount = new Float64Array(customers * span);
  const termCount = new Int32Array(terminals * span);
  const termFraud = new Int32Array(terminals * span);

  const values = new Float64Array(sim.count * FEATURE_COUNT);
  const scratch: Bucket = { count: 0, amountMilli: 0, fraudCount: 0 };
  const dayOut = new Int32Array(sim.count);
  const step = Math.max(1, Math.floor(sim.count / 100));
  for (let i = 0; i < sim.count; i++) {
    if (i % step === 0) progress(i, sim.count);
    const atMs = sim.startMs + (sim.timeSeconds[i] as number) * 1000;
    let amountMilli: number;
    let unitsPerReference = 1;
    if (local) {
      const k = local.currency[i] as number;
      amountMilli = amountMilliFromMinor(local.amountMinor[i] as number, local.currencies[k]!);
      unitsPerReference = local.unitsPerReference[k] as number;
    } else {
      amountMilli = amountMilliFromMajor((sim.amountCents[i] as number) / 100);
    }
    const hour = hourIndex(atMs);
    const c = sim.customer[i] as number;
    const t = sim.terminal[i] as number;
    const card = cardWindows(hour).map((range) =>
      sumRange(range, firstHour, lastHour, c * span, cardCount, cardAmount, undefined),
    );
    const terminal = terminalWindows(hour).map((range) =>
      sumRange(range, firstHour, lastHour, t * span, termCount, undefined, termFraud),
    );
    // terminalFraudRun reads each bucket before it asks for the next: one scratch bucket serves them all.
    const run = terminalFraudRun((h) => {
      if (h < firstHour || h > lastHour) return undefined;
      const k = t * span + (h - firstHour);
      if (termCount[k] === 0) return undefined;
      scratch.count = termCount[k] as number;
      scratch.fraudCount = termFraud[k] as number;
      return scratch;
    }, hour);
    computeFeatures({ atMs, amountMilli, unitsPerReference }, card, terminal, run, values, i * FEATURE_COUNT);
    dayOut[i] = dayIndex(atMs) - firstDay;

    const ck = c * span + (hour - firstHour);
    cardCount[ck] = (cardCount[ck] as number) + 1;
    cardAmount[ck] = (cardAmount[ck] as number) + amountMilli;
    const tk = t * span + (hour - firstHour);
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
