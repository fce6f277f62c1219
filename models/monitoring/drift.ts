import { PostgresDriftReads } from '../../functions/fraud/adapters/postgres-drift-reads';
import {
  DRIFT_PSI_ALARM,
  driftEdges,
  histogram,
  psi,
  SCORE_EDGES,
  type DriftReference,
  type DriftSettings,
} from '../../functions/fraud/drift';
import { FEATURE_NAMES } from '../../functions/fraud/features';
import { measureDrift, type DriftMeasurement } from '../../functions/fraud/use-cases/measure-drift';
import type { Queryable } from '../../functions/shared/db/client';

/**
 * Drift and shadow monitoring from the stored assessments: per UTC day, the risk score distribution and a summary
 * of each feature, with the population stability index (PSI) of each against a baseline window any operator
 * names (driftReport), or against the model's own training window as its drift reference records it
 * (referenceDrift: what the daily drift function measures); and, where a shadow model scored beside the active
 * one, how the two compare, with the labels known so far.
 */

export { histogram, psi, SCORE_EDGES } from '../../functions/fraud/drift';

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

/**
 * Each day of `report` against the `baseline` window (a day at a PSI from `psiAlarm`, default DRIFT_PSI_ALARM,
 * drifted), and the shadow models of the report days.
 */
export async function driftReport(
  sql: Queryable,
  window: { baseline: [Date, Date]; report: [Date, Date]; merchantId?: string; psiAlarm?: number },
): Promise<{ days: DayDrift[]; shadow: ShadowComparison[]; baselinePayments: number }> {
  const alarm = window.psiAlarm ?? DRIFT_PSI_ALARM;
  const baseline = await rows(sql, window.baseline[0], window.baseline[1], window.merchantId);
  const current = await rows(sql, window.report[0], window.report[1], window.merchantId);
  const baseScores = histogram(
    baseline.map((r) => r.score),
    SCORE_EDGES,
  );
  const featureEdges = FEATURE_NAMES.map((name) => driftEdges(baseline.map((r) => r.features[name] ?? 0)));
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
      drifted: scorePsi >= alarm || (features[0]?.psi ?? 0) >= alarm,
    };
  });
  return {
    days: days.sort((a, b) => (a.day < b.day ? -1 : 1)),
    shadow: shadowComparisons(current),
    baselinePayments: baseline.length,
  };
}

/** The shadow models of the report window, compared with the active one. */
export async function shadowReport(
  sql: Queryable,
  report: [Date, Date],
  merchantId?: string,
): Promise<ShadowComparison[]> {
  return shadowComparisons(await rows(sql, report[0], report[1], merchantId));
}

function shadowComparisons(current: readonly Row[]): ShadowComparison[] {
  const byShadow = new Map<string, Row[]>();
  for (const r of current) {
    if (r.shadow) byShadow.set(r.shadow.modelVersion, [...(byShadow.get(r.shadow.modelVersion) ?? []), r]);
  }
  return [...byShadow.entries()].map(([shadowModel, list]): ShadowComparison => {
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
}

/**
 * Each UTC day from `from` (a midnight) for `days` days against the model's drift reference, measured as the
 * daily drift function measures it (functions/fraud/use-cases/measure-drift.ts), over every merchant.
 */
export async function referenceDrift(
  sql: Queryable,
  reference: DriftReference,
  from: Date,
  days: number,
  settings: DriftSettings,
): Promise<DriftMeasurement[]> {
  const reads = new PostgresDriftReads(sql);
  const measured: DriftMeasurement[] = [];
  for (let d = 0; d < days; d++) {
    measured.push(await measureDrift(reads, reference, new Date(from.getTime() + d * 86_400_000), settings));
  }
  return measured;
}
