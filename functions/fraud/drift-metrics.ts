/**
 * The fraud model's drift as metrics, through Powertools Metrics (EMF; namespace RamPay, dimensions service=fraud
 * and environment from RAMPAY_ENV): each day's assessments, the risk score's PSI, mean and distribution, and each
 * feature's PSI and mean, against the model's training window. Published by the daily drift function, timed when
 * it runs (just after the UTC day it measured). The drift alarms and dashboard widgets read them
 * (lib/infra/constructs/fraud-drift-monitoring.ts). Without RAMPAY_ENV (local, tests) nothing is printed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RAMPAY_METRICS, RAMPAY_NAMESPACE, type MetricDefinition } from '../shared/metrics/catalogue';
import type { DriftMeasurement } from './use-cases/measure-drift';

const DRIFT = {
  assessments: RAMPAY_METRICS.DriftAssessments,
  scorePsi: RAMPAY_METRICS.ScorePsi,
  scoreMean: RAMPAY_METRICS.ScoreMean,
  maxFeaturePsi: RAMPAY_METRICS.MaxFeaturePsi,
  scoreShare: RAMPAY_METRICS.ScoreShare,
  featurePsi: RAMPAY_METRICS.FeaturePsi,
  featureMean: RAMPAY_METRICS.FeatureMean,
} as const;

export type DriftMetrics = (measurement: DriftMeasurement) => void;

export function driftMetrics(env: NodeJS.ProcessEnv = process.env): DriftMetrics {
  const environment = env.RAMPAY_ENV;
  if (!environment) return () => undefined;
  const group = (dimensions: Record<string, string> = {}) => {
    const metrics = new Metrics({
      namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? RAMPAY_NAMESPACE,
      serviceName: DRIFT.assessments.service,
      defaultDimensions: { environment },
    });
    metrics.addDimensions(dimensions);
    return {
      add(definition: MetricDefinition, value: number) {
        metrics.addMetric(definition.name, MetricUnit[definition.unit], value);
        return this;
      },
      publish: () => metrics.publishStoredMetrics(),
    };
  };
  return (m) => {
    const day = group().add(DRIFT.assessments, m.assessments);
    if (m.score) day.add(DRIFT.scorePsi, m.score.psi).add(DRIFT.scoreMean, m.score.mean);
    if (m.maxFeature) day.add(DRIFT.maxFeaturePsi, m.maxFeature.psi);
    day.publish();
    for (const [scoreBin, share] of Object.entries(m.score?.shares ?? {})) {
      group({ scoreBin })
        .add(DRIFT.scoreShare, 100 * share)
        .publish();
    }
    for (const [feature, f] of Object.entries(m.features ?? {})) {
      group({ feature }).add(DRIFT.featurePsi, f.psi).add(DRIFT.featureMean, f.mean).publish();
    }
  };
}
