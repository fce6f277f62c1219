/**
 * The one infra test that really bundles (the others skip esbuild): the migration function, as the data stack
 * declares it, is built by NodejsFunction, and the bundle then runs against a real database.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../../../lib/infra/config';
import { migratorBundle, ServiceFunction } from '../../../../lib/infra/constructs/service-function';
import { repeatableFiles } from '../../../../functions/shared/db/migrate';
import { startTestDatabase, type TestDatabase } from '../../../support/database';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-bundle-'));
let bundleDir: string;
let template: Template;
let db: TestDatabase;

beforeAll(async () => {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'BundleTest');
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, restrictDefaultSecurityGroup: false });
  const fn = new ServiceFunction(stack, 'Migrator', {
    config: loadConfig('dev'),
    service: 'migrations',
    name: 'migrate',
    entry: 'functions/shared/db/migrate-handler.ts',
    memoryMb: 256,
    timeout: Duration.minutes(5),
    ...migratorBundle(),
    database: {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      clientSecurityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
      signIn: { kind: 'secret', secret: new secretsmanager.Secret(stack, 'Secret') },
      host: 'db.internal',
      port: 5433,
      databaseName: 'rampay',
    },
  });
  const assembly = app.synth();
  template = Template.fromJSON(assembly.getStackByName('BundleTest').template);
  const resource = Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'rampay-dev-migrate' } }),
  )[0] as { Metadata: Record<string, string> };
  bundleDir = path.join(assembly.directory, resource.Metadata['aws:asset:path']!);
  expect(fn.function.runtime.name).toBe('nodejs22.x');
  db = await startTestDatabase();
}, 180_000);

afterAll(async () => {
  await db?.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('ServiceFunction bundling', () => {
  it('produces minified ESM with a source map, the require shim, the AWS SDK inside, and the copied files', () => {
    const code = fs.readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __rampayCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(fs.existsSync(path.join(bundleDir, 'index.mjs.map'))).toBe(true);
    // Minified: very long lines on average (readable code averages well under 100 characters), apart from the
    // certificate authorities' PEM text, which keeps its line breaks.
    const withoutPem = code.replace(/-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g, '');
    expect(withoutPem.length / withoutPem.split('\n').length).toBeGreaterThan(1000);
    // Nothing is left for the runtime to resolve from node_modules: no bare package imports at all.
    expect(code).not.toMatch(/from\s*["'](@aws-sdk|@aws-lambda-powertools|postgres)/);
    // The migrator alone signs in with the database secret: Secrets Manager's client is in its bundle.
    expect(code).toContain('GetSecretValue');
    const sources = fs
      .readdirSync(path.resolve(__dirname, '../../../../functions/shared/db/migrations'))
      .sort();
    expect(fs.readdirSync(path.join(bundleDir, 'migrations')).sort()).toEqual(
      [...sources, 'repeatable'].sort(),
    );
    // Every repeatable stored-function file of the sources, collected into one folder.
    const repeatable = repeatableFiles(path.resolve(__dirname, '../../../../functions/shared/db/migrations'));
    expect(repeatable.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['fraud-scoring.sql', 'outbox.sql', 'inbox.sql', 'payments.sql']),
    );
    expect(fs.readdirSync(path.join(bundleDir, 'migrations', 'repeatable')).sort()).toEqual(
      repeatable.map((f) => path.basename(f)).sort(),
    );
    for (const file of repeatable)
      expect(
        fs.readFileSync(path.join(bundleDir, 'migrations', 'repeatable', path.basename(file)), 'utf8'),
      ).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('runs: the bundled handler finds its migrations and repeatable files, and they match what the tests applied', async () => {
    await db.sql.end({ timeout: 5 });
    const script = `import(${JSON.stringify(path.join(bundleDir, 'index.mjs'))}).then(async (m) => {
      console.log('RESULT ' + JSON.stringify(await m.handler()));
      process.exit(0);
    })`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        MIGRATIONS_DIR: path.join(bundleDir, 'migrations'),
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      timeout: 90_000,
    });
    const result = JSON.parse(
      stdout
        .split('\n')
        .find((l) => l.startsWith('RESULT '))!
        .slice(7),
    ) as {
      applied: string[];
      alreadyApplied: number;
      repeatable: string[];
    };
    // Every file was applied already by the test setup from the sources: same names, same checksums, so
    // nothing is applied again, repeatable files included.
    expect(result).toEqual({
      applied: [],
      alreadyApplied: fs.readdirSync(path.join(bundleDir, 'migrations')).filter((f) => f.endsWith('.sql'))
        .length,
      repeatable: [],
    });
  });

  it('sets the database environment without any credential in it', () => {
    const vars = (
      Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      }
    ).Properties.Environment.Variables;
    expect(vars).toMatchObject({
      DB_HOST: 'db.internal',
      DB_PORT: '5433',
      DB_NAME: 'rampay',
      DB_SSL: 'verify-full',
    });
    expect(vars.DB_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^Secret/) });
  });
});
