import { FEATURE_NAMES } from '../../functions/fraud/features';
import type { Queryable } from '../../functions/shared/db/client';

/**
 * Drift and shadow monitoring from the stored assessments: per UTC day, the risk score distribution and a summary
 * of each feature, with the population stability index (PSI) of each against a baseline window (the model's
 * training window when it was trained on this deployment, or any window an operator names); and, where a shadow
 * model scored beside the active one, how the two compare, with the labels known so far.
 */

/** Score bins for the PSI: the bands a decision reads, finer at the low end where most payments are. */
export const SCORE_EDGES = [0, 1, 2, 5, 10, 20, 50, 80, 90, 100] as const;

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

/** Counts of `values` in bins [edges[k], edges[k+1]). */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let k = edges.length - 2;
    while (k > 0 && v < (edges[k] as number)) k--;
    counts[k]!++;
  }
  return counts;
}

/** Decile edges of a baseline sample (deduplicated), for a feature's PSI. */
export function decileEdges(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges = [-Infinity];
  for (let k = 1; k < 10; k++) {
    const q = sorted[Math.floor((k * sorted.length) / 10)];
    if (q !== undefined && q > edges[edges.length - 1]!) edges.push(q);
  }
  edges.push(Infinity);
  return edges;
}

/** The usual reading of a PSI: under 0.1 stable, 0.1 to 0.25 moving, from 0.25 drifted. */
export const PSI_ALARM = 0.25;

export interface DayDrift {
  day: string;
  payments: number;
  meanScore: number;
  scorePsi: number;
  /** the features whose PSI is highest that day */
  features: { name: string; psi: number; mean: number }[];
  drifted: boolean;
}

export interface ShadowComparison {
  shadowModel: string;
  payments: number;
  /** share of payments where both models chose the same action */
  sameAction: number;
  /** action pairs: active -> shadow -> count */
  actions: Record<string, Record<string, number>>;
  /** among labelled frauds: share at or above the hold band under each model's own action */
  fraudsHeld: { active: number; shadow: number; labelledFrauds: number };
  /** among payments labelled genuine or unlabelled: share each would hold or decline */
  othersHeld: { active: number; shadow: number };
}

interface Row {
  day: string;
  score: number;
  action: string;
  features: Record<string, number>;
  shadow: { modelVersion: string; score: number; action: string } | null;
  fraud: boolean | null;
}

async function rows(sql: Queryable, from: Date, to: Date, merchantId?: string): Promise<Row[]> {
  const merchant = merchantId ?? null;
  return sql<Row[]>`
    select to_char(a.assessed_at at time zone 'UTC', 'YYYY-MM-DD') as day, a.score, a.action, a.features,
           a.shadow, l.fraud
      from fraud_assessments a
      -- a decline's label is the active model's own opinion: it would flatter the active model
      left join fraud_labels l on l.payment_id = a.payment_id and l.source <> 'decline'
     where a.assessed_at >= ${from} and a.assessed_at < ${to}
       and (${merchant}::text is null or a.merchant_id = ${merchant})
     order by a.assessed_at`;
}

const STOPS = new Set(['hold', 'decline']);

export async function driftReport(
  sql: Queryable,
  window: { baseline: [Date, Date]; report: [Date, Date]; merchantId?: string },
): Promise<{ days: DayDrift[]; shadow: ShadowComparison[]; baselinePayments: number }> {
  const baseline = await rows(sql, window.baseline[0], window.baseline[1], window.merchantId);
  const current = await rows(sql, window.report[0], window.report[1], window.merchantId);
  const baseScores = histogram(
    baseline.map((r) => r.score),
    SCORE_EDGES,
  );
  const featureEdges = FEATURE_NAMES.map((name) => decileEdges(baseline.map((r) => r.features[name] ?? 0)));
  const baseFeatures = FEATURE_NAMES.map((name, k) =>
    histogram(
      baseline.map((r) => r.features[name] ?? 0),
      featureEdges[k]!,
    ),
  );
  const byDay = new Map<string, Row[]>();
  for (const r of current) byDay.set(r.day, [...(byDay.get(r.day) ?? []), r]);
  const days: DayDrift[] = [...byDay.entries()].map(([day, list]) => {
    const scorePsi = psi(
      baseScores,
      histogram(
        list.map((r) => r.score),
        SCORE_EDGES,
      ),
    );
    const features = FEATURE_NAMES.map((name, k) => {
      const values = list.map((r) => r.features[name] ?? 0);
      return {
        name,
        psi: psi(baseFeatures[k]!, histogram(values, featureEdges[k]!)),
        mean: values.reduce((a, b) => a + b, 0) / values.length,
      };
    }).sort((a, b) => b.psi - a.psi);
    return {
      day,
      payments: list.length,
      meanScore: list.reduce((a, r) => a + r.score, 0) / list.length,
      scorePsi,
      features: features.slice(0, 3),
      drifted: scorePsi >= PSI_ALARM || (features[0]?.psi ?? 0) >= PSI_ALARM,
    };
  });
  const byShadow = new Map<string, Row[]>();
  for (const r of current) {
    if (r.shadow) byShadow.set(r.shadow.modelVersion, [...(byShadow.get(r.shadow.modelVersion) ?? []), r]);
  }
  const shadow = [...byShadow.entries()].map(([shadowModel, list]): ShadowComparison => {
    const actions: Record<string, Record<string, number>> = {};
    let same = 0;
    for (const r of list) {
      const to = (actions[r.action] ??= {});
      to[r.shadow!.action] = (to[r.shadow!.action] ?? 0) + 1;
      if (r.action === r.shadow!.action) same++;
    }
    const frauds = list.filter((r) => r.fraud === true);
    const others = list.filter((r) => r.fraud !== true);
    const share = (of: Row[], stop: (r: Row) => boolean) =>
      of.length > 0 ? of.filter(stop).length / of.length : 0;
    return {
      shadowModel,
      payments: list.length,
      sameAction: same / list.length,
      actions,
      fraudsHeld: {
        active: share(frauds, (r) => STOPS.has(r.action)),
        shadow: share(frauds, (r) => STOPS.has(r.shadow!.action)),
        labelledFrauds: frauds.length,
      },
      othersHeld: {
        active: share(others, (r) => STOPS.has(r.action)),
        shadow: share(others, (r) => STOPS.has(r.shadow!.action)),
      },
    };
  });
  return { days: days.sort((a, b) => (a.day < b.day ? -1 : 1)), shadow, baselinePayments: baseline.length };
}
