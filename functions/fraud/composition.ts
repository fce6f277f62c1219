/**
 * The fraud service's composition for its API, for payments' FraudAssessments port and for the daily drift
 * measurement, each built once per container (no model: these functions never load onnxruntime; the consumer's
 * scoring setup is ./consumer-composition.ts).
 * Readers and writers are built apart, so that a reading function's bundle carries no SNS publisher or outbox:
 * each factory is marked pure and no module here acts on import (functions/package.json), so esbuild leaves out
 * a factory its handler does not call, and what only it imports.
 */
import type { FraudAssessments } from '../payments';
import { sharedSql } from '../shared/db/connection';
import { memo } from '../shared/memo';
import { OutboxPublisher } from '../shared/outbox/committed-publisher';
import { sharedPublisher } from '../shared/outbox/publisher';
import { PostgresDriftReads } from './adapters/postgres-drift-reads';
import { PostgresFraudReadStore } from './adapters/postgres-fraud-reads';
import { unitOfWorkTransaction } from './adapters/unit-of-work';
import { findAssessment } from './assessments';
import { readDriftReference, referencePathFor, type DriftReference } from './drift/reference';
import { driftSettingsFromEnvironment, type DriftSettings } from './drift/settings';
import { driftMetrics, type DriftMetrics } from './drift-metrics';
import { modelDirectory, modelMetadataPath } from './model-location';
import type { DriftReads } from './ports';
import type { ReviewDeps } from './use-cases/reviews';

/** The review queue's reads. */
export const reviewReads = /* @__PURE__ */ memo(async (): Promise<Pick<ReviewDeps, 'reads'>> => ({
  reads: new PostgresFraudReadStore(await sharedSql()),
}));

/** What a review decision needs: the transaction over payments and fraud, the reads, the publisher, the clock. */
export const reviewDeps = /* @__PURE__ */ memo(async (): Promise<ReviewDeps> => {
  const sql = await sharedSql();
  return {
    transaction: unitOfWorkTransaction(sql),
    reads: new PostgresFraudReadStore(sql),
    events: new OutboxPublisher(sql, sharedPublisher),
    now: () => new Date(),
  };
});

/** What a fraud report needs: it labels a payment and emits no event, so it has no publisher or outbox. */
export const fraudReportDeps = /* @__PURE__ */ memo(
  async (): Promise<Pick<ReviewDeps, 'transaction' | 'now'>> => ({
    transaction: unitOfWorkTransaction(await sharedSql()),
    now: () => new Date(),
  }),
);

/** Payments' FraudAssessments port, as GET /payments/{id} uses it. */
export const fraudAssessments = /* @__PURE__ */ memo(async (): Promise<FraudAssessments> => {
  const sql = await sharedSql();
  return { findAssessment: (merchantId, paymentId) => findAssessment(sql, merchantId, paymentId) };
});

/**
 * The daily drift measurement: the assessments' reads, the active model's drift reference (FRAUD_MODEL in
 * MODEL_DIR, as the consumer picks its model), its settings (FRAUD_DRIFT) and its metrics.
 */
export const driftDeps = /* @__PURE__ */ memo(
  async (): Promise<{
    reads: DriftReads;
    reference: DriftReference;
    settings: DriftSettings;
    publish: DriftMetrics;
  }> => {
    const metadata = modelMetadataPath(process.env.FRAUD_MODEL, modelDirectory());
    return {
      reads: new PostgresDriftReads(await sharedSql()),
      reference: await readDriftReference(referencePathFor(metadata)),
      settings: driftSettingsFromEnvironment(process.env.FRAUD_DRIFT),
      publish: driftMetrics(),
    };
  },
);
