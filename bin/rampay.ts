#!/usr/bin/env node
/**
 * The RamPay CDK app: `npx cdk synth -c env=dev|staging|prod` (dev by default). cdk-nag's AwsSolutions pack
 * runs on every synth; an unacknowledged error fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, loadConfig } from '../lib/infra/config';
import { createRamPay } from '../lib/infra/stacks/rampay';

const app = new App();
const envName = String(app.node.tryGetContext('env') ?? 'dev');

function exitOnConfigError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const config = exitOnConfigError(() => loadConfig(envName));
// From the config, else from the CLI's credentials; neither: environment-agnostic (offline synth).
const account = config.account ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = config.region ?? process.env.CDK_DEFAULT_REGION;
exitOnConfigError(() =>
  createRamPay(app, config, { env: account || region ? { account, region } : undefined }),
);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
