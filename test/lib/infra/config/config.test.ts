import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ConfigError,
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  loadConfig,
  parseConfig,
} from '../../../../lib/infra/config';

const dev = ENVIRONMENTS.dev;

function problemOf(input: unknown): string {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('environment config', () => {
  it.each(ENVIRONMENT_NAMES)('%s parses', (name) => {
    const config = loadConfig(name);
    expect(config.name).toBe(name);
  });

  it('pins prod to its account and region, and leaves the others to the CLI', () => {
    for (const name of ENVIRONMENT_NAMES) {
      const config = loadConfig(name);
      if (name === 'prod') {
        expect(config.account).toMatch(/^\d{12}$/);
        expect(config.region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      } else {
        expect([config.account, config.region]).toEqual([undefined, undefined]);
      }
    }
    const { account: _account, ...unpinned } = ENVIRONMENTS.prod;
    expect(problemOf(unpinned)).toMatch(/prod deploys to one account and region: pin both.*\n.*at account/);
    const { region: _region, ...noRegion } = ENVIRONMENTS.prod;
    expect(problemOf(noRegion)).toMatch(/prod deploys to one account and region: pin both.*\n.*at region/);
  });

  it('keeps prod safe and dev destroyable', () => {
    const prod = loadConfig('prod');
    expect(prod.removalPolicy).toBe('retain');
    expect(prod.database.multiAz).toBe(true);
    expect(prod.database.deletionProtection).toBe(true);
    const d = loadConfig('dev');
    expect(d.removalPolicy).toBe('destroy');
    expect(d.database.deletionProtection).toBe(false);
  });

  it('names an unknown environment and lists the known ones', () => {
    expect(() => loadConfig('qa')).toThrow("unknown environment 'qa': use one of dev, staging, prod");
  });

  it('rejects a visibility timeout under 6x the consumer timeout, naming the consumer', () => {
    const message = problemOf({
      ...dev,
      consumers: { ...dev.consumers, fraud: { ...dev.consumers.fraud, consumerTimeoutSeconds: 60 } },
    });
    expect(message).toContain('consumers.fraud.visibilityTimeoutSeconds');
    expect(message).toContain('at least 6x consumerTimeoutSeconds (360 s), got 180 s');
  });

  it('rejects fraud thresholds that do not rise', () => {
    expect(problemOf({ ...dev, fraud: { thresholds: { review: 80, hold: 80, decline: 95 } } })).toContain(
      'review < hold < decline',
    );
  });

  it('rejects a threshold outside 0-99', () => {
    expect(problemOf({ ...dev, fraud: { thresholds: { review: 60, hold: 80, decline: 100 } } })).toContain(
      'fraud.thresholds.decline',
    );
  });

  it('rejects destroy together with deletion protection', () => {
    expect(problemOf({ ...dev, database: { ...dev.database, deletionProtection: true } })).toContain(
      "'destroy' contradicts database.deletionProtection",
    );
  });

  it('rejects the default PostgreSQL port, more NAT gateways than AZs, and a retention CloudWatch does not offer', () => {
    const message = problemOf({
      ...dev,
      database: { ...dev.database, port: 5432 },
      network: { ...dev.network, natGateways: 3 },
      logRetentionDays: 10,
    });
    expect(message).toContain('database.port');
    expect(message).toContain('natGateways cannot exceed maxAzs');
    expect(message).toContain('logRetentionDays');
  });

  it('rejects a big batch without a batching window, and a malformed account id', () => {
    const message = problemOf({
      ...dev,
      account: '1234',
      consumers: {
        ...dev.consumers,
        analytics: { ...dev.consumers.analytics, batchSize: 100, maxBatchingWindowSeconds: 0 },
      },
    });
    expect(message).toContain('a batchSize above 10 needs maxBatchingWindowSeconds');
    expect(message).toContain('a 12-digit AWS account id');
  });

  it('accepts an external issuer and rejects a plain-http one', () => {
    const external = { kind: 'external', issuer: 'https://auth.example.com/', audience: ['rampay-api'] };
    expect(parseConfig({ ...dev, auth: external }).auth).toMatchObject({ kind: 'external', scopePrefix: '' });
    expect(problemOf({ ...dev, auth: { ...external, issuer: 'http://auth.example.com/' } })).toContain(
      'auth.issuer',
    );
  });

  it('makes the CDK app fail with the message, not a stack trace', async () => {
    const root = path.resolve(__dirname, '..', '..', '..', '..');
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'bin/rampay.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify({ env: 'qa' }),
          CDK_OUTDIR: '/tmp/rampay-bad-env',
        },
      },
    ).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("unknown environment 'qa'");
    expect(failure?.stderr).not.toContain('    at ');
  });
});
