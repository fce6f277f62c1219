import fs from 'node:fs';
import path from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TOPIC_NAMES, topicArnVariable, type TopicName } from '../../../functions/shared/events/topology';
import { ONNX_ENVIRONMENT, ONNX_EXTERNALS } from '../config/bundling';
import type { ConcurrencyPlan } from '../config/concurrency';
import { REPO_ROOT, functionBaseName, type FunctionSpec } from '../config/functions';
import type { EnvironmentConfig } from '../config/schema';
import { ServiceFunction, type BundleCopy, type DatabaseAccess } from '../constructs/service-function';

/** What every RamPay function may be wired to. */
export interface FunctionDeps {
  config: EnvironmentConfig;
  database: DatabaseAccess;
  topics: Record<TopicName, sns.ITopic>;
  /** Extra environment for every function built with these deps (e.g. the auth scope prefix for API handlers). */
  environment?: Record<string, string>;
  /** The onnxruntime-node layer, for functions with `onnx`. */
  onnxLayer?: lambda.ILayerVersion;
  concurrency: ConcurrencyPlan;
  /** The webhook secrets' key, for functions with the 'webhook-secrets' capability. */
  webhookSecretsKey?: kms.IKey;
}

/** Per-function additions from the stack that builds it (resources only that stack owns). */
export interface FunctionExtras {
  environment?: Record<string, string>;
  copy?: BundleCopy[];
}

export interface Sizing {
  memoryMb: number;
  timeoutSeconds: number;
}

/** Builds one function of the table with its environment, database access and least-privilege grants. */
export function buildFunction(
  scope: Construct,
  spec: FunctionSpec,
  sizing: Sizing,
  deps: FunctionDeps,
  extras: FunctionExtras = {},
): ServiceFunction {
  const { config } = deps;
  const environment: Record<string, string> = {
    ...Object.fromEntries(TOPIC_NAMES.map((topic) => [topicArnVariable(topic), deps.topics[topic].topicArn])),
    ...deps.environment,
  };
  Object.assign(environment, extras.environment);
  if (spec.onnx) Object.assign(environment, ONNX_ENVIRONMENT);
  if (spec.onnx || spec.driftReference) environment.MODEL_DIR = '/var/task/models';
  const sealsSecrets = spec.capabilities?.includes('webhook-secrets');
  if (sealsSecrets && !deps.webhookSecretsKey) throw new Error(`${spec.id} needs the webhook secrets key`);
  if (sealsSecrets) environment.WEBHOOKS_KMS_KEY_ID = deps.webhookSecretsKey!.keyArn;
  if (spec.onnx && !deps.onnxLayer) throw new Error(`${spec.id} needs the onnxruntime layer`);
  if (spec.service === 'fraud') environment.FRAUD_THRESHOLDS = JSON.stringify(config.fraud.thresholds);
  if ((spec.onnx || spec.driftReference) && config.fraud.model) environment.FRAUD_MODEL = config.fraud.model;
  if (spec.driftReference) {
    const { minimumAssessments, sampleSize } = config.fraud.drift;
    environment.FRAUD_DRIFT = JSON.stringify({ minimumAssessments, sampleSize });
  }
  if (spec.onnx && config.fraud.shadowModel) environment.FRAUD_SHADOW_MODEL = config.fraud.shadowModel;
  if (spec.driftReference && Stack.of(scope).bundlingRequired) {
    const files = fs.readdirSync(path.join(REPO_ROOT, 'models'));
    const versions = files.flatMap((f) => /^fraud-([^.]+)\.json$/.exec(f)?.[1] ?? []);
    const active = config.fraud.model ?? (versions.length === 1 ? versions[0] : undefined);
    if (active === undefined || !files.includes(`fraud-${active}.reference.json`)) {
      throw new Error(
        `${spec.id} reads the active model's drift reference, but models/ has no fraud-${active ?? '<version>'}.reference.json: write it with npm run model:reference`,
      );
    }
  }
  if (spec.onnx && Stack.of(scope).bundlingRequired) {
    const models = fs
      .readdirSync(path.join(REPO_ROOT, 'models'))
      .filter((f) => /^fraud-[^.]+\.onnx$/.test(f));
    if (models.length === 0) {
      throw new Error(
        `${spec.id} ships the fraud model in its bundle, but models/ has no fraud-<version>.onnx: train one (npm run model:train) or commit it`,
      );
    }
  }

  const fn = new ServiceFunction(scope, spec.id, {
    config,
    service: spec.service,
    name: functionBaseName(spec.id),
    entry: spec.entry,
    description: spec.description,
    memoryMb: sizing.memoryMb,
    timeout: Duration.seconds(sizing.timeoutSeconds),
    reservedConcurrency: deps.concurrency.reserved.get(spec.id),
    database: spec.database ? deps.database : undefined,
    environment,
    ...(spec.onnx && deps.onnxLayer ? { layers: [deps.onnxLayer], externalModules: ONNX_EXTERNALS } : {}),
    copy: [
      ...(extras.copy ?? []),
      // The model's metadata (fraud-<version>.json) names its .onnx; both ship in the bundle, and the metadata's
      // drift reference (fraud-<version>.reference.json) with them.
      ...(spec.onnx ? [{ from: 'models', to: 'models', pattern: 'fraud-*.onnx' }] : []),
      ...(spec.onnx || spec.driftReference
        ? [{ from: 'models', to: 'models', pattern: 'fraud-*.json' }]
        : []),
    ],
  });

  for (const topic of spec.publishes) deps.topics[topic].grantPublish(fn.function);
  if (sealsSecrets) deps.webhookSecretsKey!.grant(fn.function, 'kms:GenerateDataKey', 'kms:Decrypt');
  if (spec.publishes.length > 0) {
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to a KMS-encrypted topic needs data keys; the grant is on the events key alone, and the wildcard only spans the GenerateDataKey variants.',
    });
  }

  return fn;
}
