import { FEATURE_COUNT, FEATURE_NAMES, type FeatureName } from '../../functions/fraud/features';
import { Random } from '../simulator/random';
import type { FeatureTable } from './export';

/**
 * Training sees some payments twice: as they were, and as if each were its card's first (every card window holds
 * only it: count 1, average its amount, every ratio 1; the rest as it was). Every simulated card pays from the
 * first day and training starts weeks in, so otherwise no training payment comes from a card the store has not
 * seen, and a new card's first payment of any amount would score like an ordinary one (a new deployment's every
 * card is new). The share is small enough to leave the ranking of known cards as it was (models/MODEL_CARD.md).
 */
export const FIRST_PAYMENT_SHARE = 0.1;

const column = (name: FeatureName): number => FEATURE_NAMES.indexOf(name);
const AMOUNT = column('amount');
const COUNTS = (['card_tx_count_1d', 'card_tx_count_7d', 'card_tx_count_30d'] as const).map(column);
const AVERAGES = (['card_avg_amount_1d', 'card_avg_amount_7d', 'card_avg_amount_30d'] as const).map(column);
const RATIOS = (
  [
    'amount_to_card_avg_1d',
    'amount_to_card_avg_7d',
    'amount_to_card_avg_30d',
    'card_avg_1d_to_30d',
    'card_avg_7d_to_30d',
  ] as const
).map(column);

/** Row `row` of `values` as its card's first payment, written to `out` at `at`. */
export function asFirstPayment(values: Float64Array, row: number, out: Float64Array, at: number): void {
  const from = row * FEATURE_COUNT;
  const to = at * FEATURE_COUNT;
  out.set(values.subarray(from, from + FEATURE_COUNT), to);
  for (const k of COUNTS) out[to + k] = 1;
  for (const k of AVERAGES) out[to + k] = values[from + AMOUNT] as number;
  for (const k of RATIOS) out[to + k] = 1;
}

/**
 * The table with first-payment views of about `share` of the rows of the training days [from, to) appended, each
 * with its row's label, day and card; drawn by a seeded generator, so the same table gives the same views.
 */
export function withFirstPaymentViews(
  table: FeatureTable,
  [from, to]: readonly [number, number],
  share = FIRST_PAYMENT_SHARE,
  seed = 1,
): FeatureTable {
  const random = new Random(seed);
  const picked: number[] = [];
  for (let r = 0; r < table.rows; r++) {
    const day = table.day[r] as number;
    if (day >= from && day < to && random.next() < share) picked.push(r);
  }
  const rows = table.rows + picked.length;
  const values = new Float64Array(rows * FEATURE_COUNT);
  values.set(table.values.subarray(0, table.rows * FEATURE_COUNT));
  const labels = new Uint8Array(rows);
  const day = new Int32Array(rows);
  const customer = new Int32Array(rows);
  labels.set(table.labels.subarray(0, table.rows));
  day.set(table.day.subarray(0, table.rows));
  customer.set(table.customer.subarray(0, table.rows));
  picked.forEach((r, k) => {
    const at = table.rows + k;
    asFirstPayment(table.values, r, values, at);
    labels[at] = table.labels[r] as number;
    day[at] = table.day[r] as number;
    customer[at] = table.customer[r] as number;
  });
  return { rows, values, labels, day, customer };
}
