/**
 * The population stability index (PSI) and the bins it is computed over. A distribution is counted in bins cut
 * at sorted values: bin 0 holds what lies below the first cut, bin k what lies from cut k-1 up to (not
 * including) cut k, the last bin what lies from the last cut on; PostgreSQL's width_bucket(value, cuts) numbers
 * the same bins (adapters/postgres-drift-reads.ts).
 */

/** Where the risk score's bins are cut: the bands a decision reads, finer at the low end where most payments are. */
export const SCORE_CUTS = [1, 2, 5, 10, 20, 50, 80, 90] as const;

/** The score bins' edges, 0 and 100 included (bin k is [SCORE_EDGES[k], SCORE_EDGES[k+1])). */
export const SCORE_EDGES = [0, ...SCORE_CUTS, 100] as const;

/** A label per bin of the (integer, 0-99) risk score cut at `cuts`: 0, 1, 2-4, ..., 90-99 for SCORE_CUTS. */
export function scoreBinLabels(cuts: readonly number[]): string[] {
  const edges = [0, ...cuts, 100];
  return edges.slice(0, -1).map((from, k) => {
    const to = (edges[k + 1] as number) - 1;
    return from === to ? String(from) : `${from}-${to}`;
  });
}

/** The labels of SCORE_CUTS' bins, as the ScoreShare metric's `scoreBin` dimension names them. */
export const SCORE_BIN_LABELS: readonly string[] = scoreBinLabels(SCORE_CUTS);

/**
 * The usual reading of a PSI: under 0.1 stable, 0.1 to 0.2 moving, from 0.2 a significant shift; the drift
 * alarm's default threshold (lib/infra/config/schema.ts) and model:monitor's.
 */
export const DRIFT_PSI_ALARM = 0.2;

/** PSI = sum over bins of (p - q) ln(p / q); bins empty on either side get a floor so it stays finite. */
export function psi(expected: readonly number[], actual: readonly number[], floor = 1e-4): number {
  const e = expected.reduce((a, b) => a + b, 0);
  const a = actual.reduce((x, y) => x + y, 0);
  if (e === 0 || a === 0) return 0;
  let sum = 0;
  for (let k = 0; k < expected.length; k++) {
    const q = Math.max(floor, (expected[k] as number) / e);
    const p = Math.max(floor, (actual[k] as number) / a);
    sum += (p - q) * Math.log(p / q);
  }
  return sum;
}

/** The bin of `value` among sorted `cuts`: how many cuts are at or below it. */
export function binOf(value: number, cuts: readonly number[]): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cuts[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of `values` in the cuts' bins (cuts.length + 1 of them). */
export function binCounts(values: Iterable<number>, cuts: readonly number[]): number[] {
  const counts = new Array<number>(cuts.length + 1).fill(0);
  for (const v of values) counts[binOf(v, cuts)]!++;
  return counts;
}

/** Counts of `values` in bins [edges[k], edges[k+1]); the first and last bins also hold what lies beyond. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  return binCounts(values, edges.slice(1, -1));
}

/** The decile cuts of sorted values (each kept once). */
function deciles(sorted: ArrayLike<number>, length = sorted.length): number[] {
  const cuts: number[] = [];
  for (let k = 1; k < 10; k++) {
    const q = sorted[Math.floor((k * length) / 10)];
    if (q !== undefined && (cuts.length === 0 || q > cuts[cuts.length - 1]!)) cuts.push(q);
  }
  return cuts;
}

/**
 * Where a feature's values are cut for its PSI: every value that alone holds more than a tenth of them gets a bin
 * of its own, and the other values are cut at their deciles (without such a value: plain deciles). A feature
 * that is mostly one value (a terminal's fraud rate, 0 for most payments) thus keeps bins in which its tail can
 * move, where plain deciles would leave it one bin and a PSI that is always 0.
 */
export function driftCuts(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const cuts = new Set<number>();
  const rest = new Float64Array(n);
  let kept = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    if (j - i > n / 10) {
      cuts.add(sorted[i]!);
      if (j < n) cuts.add(sorted[j]!);
    } else {
      rest.set(sorted.subarray(i, j), kept);
      kept += j - i;
    }
    i = j;
  }
  if (kept > 0) for (const cut of deciles(rest, kept)) cuts.add(cut);
  return [...cuts].sort((a, b) => a - b);
}

/** driftCuts with -Infinity and Infinity as the outer edges. */
export function driftEdges(values: readonly number[]): number[] {
  return [-Infinity, ...driftCuts(values), Infinity];
}
