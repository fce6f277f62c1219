import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import type { Queryable } from '../shared/db/client';
import { logger } from '../shared/logger';
import { PostgresFraudSession } from './adapters/postgres-fraud-store';
import type { FraudConsumerDependencies } from './consumer';
import { thresholdsFromEnvironment } from './decision';
import { bundledFxRates } from './fx-rates';
import { getFraudModel, type FraudModel } from './model';
import { modelDirectory, modelMetadataPath } from './model-location';
import type { ScoringSetup } from './use-cases/assess-payment';

/**
 * The fraud consumer's composition: the scoring setup and the Postgres scoring store, on the process's shared
 * database client and SNS publisher. The setup: the active model (FRAUD_MODEL: a version or metadata file in
 * MODEL_DIR; unset: the only model there), the optional shadow candidate (FRAUD_SHADOW_MODEL, same forms) and the
 * thresholds (FRAUD_THRESHOLDS JSON; unset: the active model's recommended ones). A shadow that does not load is
 * logged and left out: it never acts, so it must never stop scoring.
 */
export async function loadScoringSetup(env: NodeJS.ProcessEnv = process.env): Promise<ScoringSetup> {
  const dir = modelDirectory(env);
  const started = performance.now();
  const model = await getFraudModel({ metadataPath: modelMetadataPath(env.FRAUD_MODEL, dir) });
  const loadMs = performance.now() - started;
  let shadow: FraudModel | undefined;
  if (env.FRAUD_SHADOW_MODEL) {
    try {
      shadow = await getFraudModel({
        metadataPath: modelMetadataPath(env.FRAUD_SHADOW_MODEL, dir, 'FRAUD_SHADOW_MODEL'),
      });
    } catch (error) {
      logger.warn('the shadow model did not load; scoring with the active model alone', {
        error,
        shadowModel: env.FRAUD_SHADOW_MODEL,
      });
    }
  }
  const thresholds = thresholdsFromEnvironment(env.FRAUD_THRESHOLDS, model.metadata.thresholds);
  logger.info('fraud scoring ready', {
    modelVersion: model.version,
    shadowModel: shadow?.version,
    thresholds,
    thresholdsFrom: env.FRAUD_THRESHOLDS ? 'FRAUD_THRESHOLDS' : 'model metadata',
    fxRatesVersion: bundledFxRates().version,
    loadMs: Math.round(loadMs * 10) / 10,
  });
  const rates = bundledFxRates();
  return { model, ...(shadow ? { shadow } : {}), thresholds, rates };
}

let setup: Promise<ScoringSetup> | undefined;

/** The scoring setup, loaded once per container (one ONNX session per model). */
export function scoringSetup(): Promise<ScoringSetup> {
  setup ??= loadScoringSetup();
  setup.catch(() => (setup = undefined));
  return setup;
}

const scoringStore = (tx: Queryable) => new PostgresFraudSession(tx);

let dependencies: Promise<FraudConsumerDependencies> | undefined;

/** The fraud consumer's dependencies, built once per container (retried on the next event if loading fails). */
export function fraudConsumerDependencies(): Promise<FraudConsumerDependencies> {
  dependencies ??= scoringSetup().then((setup) => ({ setup, store: scoringStore }));
  dependencies.catch(() => (dependencies = undefined));
  return dependencies;
}

export const fraudConsumerComposition: ConsumerComposition<FraudConsumerDependencies> = lambdaComposition({
  dependencies: fraudConsumerDependencies,
});
