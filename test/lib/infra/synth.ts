/**
 * Synthesizes one environment of the CDK app the way `cdk synth` does (with cdk-nag's AwsSolutions checks), but
 * without bundling the functions: the `aws:cdk:bundling-stacks` context set to [] makes NodejsFunction and
 * other bundled assets skip esbuild, so a whole environment synthesizes in a few seconds. Each test file calls
 * this once per environment and shares the result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Validations, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig, type EnvironmentConfig } from '../../../lib/infra/config';
import { createRamPay, type RamPayApp } from '../../../lib/infra/stacks/rampay';
import type { StackPart } from '../../../lib/infra/stacks/names';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CDK_JSON_CONTEXT = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;
/** The context lookups the CLI keeps (the availability zones of pinned environments). */
const CDK_CONTEXT_FILE = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) as Record<
  string,
  unknown
>;

export const PARTS = [
  'network',
  'data',
  'messaging',
  'api',
  'services',
  'observability',
] as const satisfies readonly StackPart[];
/** The console's stacks, synthesized only with a Cognito user pool. */
export const CONSOLE_PARTS = ['console', 'console-content'] as const satisfies readonly StackPart[];

export interface SynthesizedEnvironment {
  config: EnvironmentConfig;
  rampay: RamPayApp;
  templates: Record<StackPart, Template>;
  /** The policy-validation report cdk-nag's findings land in. */
  validationReport: {
    pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
  };
}

export function synthesize(
  envName: string,
  options: {
    config?: EnvironmentConfig;
    /** An explicit account/region, with the context lookups cdk.context.json would hold. */
    env?: Environment;
    context?: Record<string, unknown>;
  } = {},
): SynthesizedEnvironment {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `rampay-synth-${envName}-`));
  const app = new App({
    outdir,
    // The feature flags of cdk.json, as the CLI passes them, so tests synthesize what `cdk synth` does.
    context: { ...CDK_JSON_CONTEXT, ...CDK_CONTEXT_FILE, ...options.context, 'aws:cdk:bundling-stacks': [] },
  });
  const config = options.config ?? loadConfig(envName);
  // As bin/rampay.ts: a pinned environment deploys to its account and region.
  const pinned =
    config.account || config.region ? { account: config.account, region: config.region } : undefined;
  const rampay = createRamPay(app, config, { env: options.env ?? pinned });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const parts: StackPart[] = [...PARTS, ...(rampay.console ? CONSOLE_PARTS : [])];
  const templates = Object.fromEntries(
    parts.map((part) => [
      part,
      Template.fromJSON(assembly.getStackByName(`RamPay-${config.name}-${part}`).template),
    ]),
  ) as Record<StackPart, Template>;
  const reportFile = path.join(assembly.directory, 'validation-report.json');
  const validationReport = fs.existsSync(reportFile)
    ? (JSON.parse(fs.readFileSync(reportFile, 'utf8')) as SynthesizedEnvironment['validationReport'])
    : { pluginReports: [] };
  fs.rmSync(outdir, { recursive: true, force: true });
  return { config, rampay, templates, validationReport };
}

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

/** Every resource of a type across the given templates, with its logical id. */
export function resourcesOf(templates: Template[], type: string): { id: string; resource: Resource }[] {
  return templates.flatMap((t) =>
    Object.entries(t.findResources(type) as Record<string, Resource>).map(([id, resource]) => ({
      id,
      resource,
    })),
  );
}
