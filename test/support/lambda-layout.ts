/**
 * Runs synthesized functions the way Lambda lays them out: each function's asset copied into its own task
 * directory (/var/task), its layers extracted under an opt directory (/opt), a runtime directory (/var/runtime)
 * holding the bootstrap, NODE_PATH as Lambda sets it, and a fresh `node` process per invocation whose working
 * directory is the task directory. Everything lives in a temporary folder outside the repository, so no
 * repository node_modules can be reached.
 */
import AdmZip from 'adm-zip';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../../lib/infra/config';
import { REPO_ROOT } from '../../lib/infra/config/functions';
import { createRamPay } from '../../lib/infra/stacks/rampay';

const run = promisify(execFile);

export interface SynthesizedFunction {
  /** The construct id of a RamPay function (CreatePayment, FraudConsumer, Migrator...), else the logical id. */
  id: string;
  functionName: string;
  handler: string;
  runtime: string;
  memoryMb: number;
  /** The asset folder of its code in the cloud assembly. */
  codeDir: string;
  /** The asset folders of its layers, in order. */
  layerDirs: string[];
  /** Its environment as the template states it; CloudFormation expressions left as objects. */
  environment: Record<string, unknown>;
}

type TemplateResource = { Type: string; Properties?: Record<string, unknown> };

/** Synthesizes one environment with bundling (every function's esbuild bundle and the layer) into `outdir`. */
export function synthesizeWithAssets(envName: string, outdir: string): void {
  const context = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    }
  ).context;
  const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': ['**'] } });
  createRamPay(app, loadConfig(envName), {});
  app.synth();
}

function assetDir(outdir: string, code: unknown): string {
  const key = (code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof key !== 'string') throw new Error(`not an S3 asset: ${JSON.stringify(code)}`);
  const dir = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  // CDK stages its own prebuilt layers (BucketDeployment's AWS CLI) as zip files: unpacked once, as Lambda would.
  const zip = path.join(outdir, `asset.${key}`);
  if (!fs.existsSync(dir) && key.endsWith('.zip') && fs.existsSync(zip)) new AdmZip(zip).extractAllTo(dir);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`no asset folder ${dir}`);
  return dir;
}

/** Every Lambda function of every stack template in the cloud assembly at `outdir`. */
export function synthesizedFunctions(outdir: string): SynthesizedFunction[] {
  const functions: SynthesizedFunction[] = [];
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    const resources = (
      JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')) as {
        Resources: Record<string, TemplateResource>;
      }
    ).Resources;
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const p = resource.Properties ?? {};
      const layers = (p.Layers as { Ref?: string }[] | undefined) ?? [];
      functions.push({
        id: /^(\w+?)Function[0-9A-F]{8}$/.exec(logicalId)?.[1] ?? logicalId,
        functionName: typeof p.FunctionName === 'string' ? p.FunctionName : logicalId,
        handler: p.Handler as string,
        runtime: p.Runtime as string,
        memoryMb: (p.MemorySize as number | undefined) ?? 128,
        codeDir: assetDir(outdir, p.Code),
        layerDirs: layers.map((layer) => {
          const version = layer.Ref === undefined ? undefined : resources[layer.Ref];
          if (version?.Type !== 'AWS::Lambda::LayerVersion') {
            throw new Error(`${logicalId}: layer ${JSON.stringify(layer)} is not a layer of its stack`);
          }
          return assetDir(outdir, version.Properties?.Content);
        }),
        environment: (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      });
    }
  }
  return functions;
}

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

export interface LaidOutFunction {
  fn: SynthesizedFunction;
  /** /var/task */
  taskDir: string;
  /** /opt */
  optDir: string;
  /** /var/runtime */
  runtimeDir: string;
}

/**
 * The bootstrap: loads the handler module named by _HANDLER from the task root (index.mjs, index.js or
 * index.cjs, as the Node.js runtime looks for them), calls the handler with the event and a context, and writes
 * the result (or the error) to the result file, and exits: a container is frozen between invocations rather than
 * left to drain its event loop, so open database connections must not keep the process waiting.
 */
const BOOTSTRAP = `
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const [mode, eventFile, resultFile] = process.argv.slice(2);
const write = (outcome) => fs.writeFileSync(resultFile, JSON.stringify(outcome));
try {
  const handlerSetting = process.env._HANDLER;
  const dot = handlerSetting.lastIndexOf('.');
  const moduleName = handlerSetting.slice(0, dot);
  const exportName = handlerSetting.slice(dot + 1);
  const file = ['.mjs', '.js', '.cjs']
    .map((ext) => path.join(process.env.LAMBDA_TASK_ROOT, moduleName + ext))
    .find((f) => fs.existsSync(f));
  if (!file) throw new Error('no module ' + moduleName + ' in ' + process.env.LAMBDA_TASK_ROOT);
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== 'function') throw new Error(handlerSetting + ' is not a function');
  if (mode === 'load') {
    write({ loaded: true });
  } else {
    const started = Date.now();
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      logGroupName: '/aws/lambda/' + process.env.AWS_LAMBDA_FUNCTION_NAME,
      logStreamName: 'layout',
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 30000 - (Date.now() - started),
      done() {}, fail() {}, succeed() {},
    };
    const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
    write({ loaded: true, result: (await handler(event, context)) ?? null });
  }
} catch (error) {
  write({ error: { name: error?.name, message: error?.message, stack: error?.stack } });
}
process.exit(0);
`;

/** Lays a function out under `root`: its code as the task directory, its layers merged into the opt directory. */
export function layOut(
  fn: SynthesizedFunction,
  root: string,
  layerContent: (layerDir: string) => string = (dir) => dir,
): LaidOutFunction {
  const base = path.join(root, fn.functionName);
  const taskDir = path.join(base, 'var', 'task');
  const optDir = path.join(base, 'opt');
  const runtimeDir = path.join(base, 'var', 'runtime');
  fs.cpSync(fn.codeDir, taskDir, { recursive: true });
  fs.mkdirSync(optDir, { recursive: true });
  for (const layer of fn.layerDirs) fs.cpSync(layerContent(layer), optDir, { recursive: true });
  fs.mkdirSync(runtimeDir, { recursive: true });
  fs.writeFileSync(path.join(runtimeDir, 'bootstrap.mjs'), BOOTSTRAP);
  return { fn, taskDir, optDir, runtimeDir };
}

/** The node_modules folders Node could find from `dir` by walking up (none, for a faithful layout). */
export function reachableNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) found.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return found;
  }
}

/**
 * The stand-in for CloudFormation's values: an expression (an import, a reference, an attribute) becomes a
 * plausible literal; a path under /var/task points into the task directory.
 */
function environmentValue(name: string, value: unknown, taskDir: string): string {
  if (typeof value === 'string') return value.replace(/^\/var\/task(?=\/|$)/, taskDir);
  if (name.endsWith('_ARN')) {
    const kind = name.includes('TOPIC') ? 'sns' : name.includes('SECRET') ? 'secretsmanager' : 'lambda';
    return `arn:aws:${kind}:eu-west-1:111111111111:rampay-layout-${name.toLowerCase()}`;
  }
  if (name.endsWith('_HOST')) return '127.0.0.1';
  return `layout-${name.toLowerCase()}`;
}

export interface InvokeOptions {
  /** Added to (and over) the function's own environment. */
  environment?: Record<string, string>;
  /** The event (without one, an empty payload: `{}`). */
  event?: unknown;
  /** Only load the handler module and check that it exports the handler. */
  loadOnly?: boolean;
}

export interface InvokeOutcome {
  loaded?: boolean;
  result?: unknown;
  error?: { name?: string; message?: string; stack?: string };
  /** What the process wrote (its logs). */
  output: string;
}

/** Loads the function's handler in a fresh `node` process laid out as Lambda runs it, and invokes it. */
export async function invoke(laid: LaidOutFunction, options: InvokeOptions = {}): Promise<InvokeOutcome> {
  const { fn, taskDir, optDir, runtimeDir } = laid;
  const own = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [name, environmentValue(name, value, taskDir)]),
  );
  const runtime = fn.runtime.replace(/^nodejs(\d+)\.x$/, 'node$1');
  const env: Record<string, string> = {
    // What Lambda's Node.js runtime sets (the layer paths first, then the runtime's and the task's own).
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: [
      path.join(optDir, 'nodejs', runtime, 'node_modules'),
      path.join(optDir, 'nodejs', 'node_modules'),
      path.join(runtimeDir, 'node_modules'),
      runtimeDir,
      taskDir,
    ].join(':'),
    LAMBDA_TASK_ROOT: taskDir,
    LAMBDA_RUNTIME_DIR: runtimeDir,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_FORMAT: 'JSON',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIALAYOUTTEST000000',
    AWS_SECRET_ACCESS_KEY: 'layout-test-secret-access-key',
    AWS_SESSION_TOKEN: 'layout-test-session-token',
    ...own,
    ...options.environment,
  };
  const eventFile = path.join(runtimeDir, 'event.json');
  const resultFile = path.join(runtimeDir, 'result.json');
  fs.rmSync(resultFile, { force: true });
  fs.writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
  const args = [
    path.join(runtimeDir, 'bootstrap.mjs'),
    options.loadOnly ? 'load' : 'invoke',
    eventFile,
    resultFile,
  ];
  let output: string;
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: taskDir, env, timeout: 30_000 });
    output = stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    output = `${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
  if (!fs.existsSync(resultFile)) return { error: { message: 'the process wrote no result' }, output };
  return { ...(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Omit<InvokeOutcome, 'output'>), output };
}

export interface AwsStub {
  /** http://127.0.0.1:<port> */
  url: string;
  /** SNS PublishBatch entries received: topic, message and event type. */
  published: { topicArn: string; message: string; eventType?: string }[];
  /** Requests the stub had no answer for. */
  unanswered: string[];
  close(): Promise<void>;
}

/**
 * The AWS endpoint every function is pointed at (AWS_ENDPOINT_URL): SNS PublishBatch (AWS query protocol)
 * succeeds for every entry and keeps it; anything else is answered 400 and noted.
 */
export async function startAwsStub(): Promise<AwsStub> {
  const published: AwsStub['published'] = [];
  const unanswered: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      if (form.get('Action') === 'PublishBatch') {
        const topicArn = form.get('TopicArn') ?? '';
        const ids: string[] = [];
        for (let n = 1; form.has(`PublishBatchRequestEntries.member.${n}.Id`); n++) {
          const entry = `PublishBatchRequestEntries.member.${n}`;
          ids.push(form.get(`${entry}.Id`)!);
          let eventType: string | undefined;
          for (let a = 1; form.has(`${entry}.MessageAttributes.entry.${a}.Name`); a++) {
            if (form.get(`${entry}.MessageAttributes.entry.${a}.Name`) === 'eventType')
              eventType = form.get(`${entry}.MessageAttributes.entry.${a}.Value.StringValue`) ?? undefined;
          }
          published.push({ topicArn, message: form.get(`${entry}.Message`) ?? '', eventType });
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<PublishBatchResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult><Successful>${ids
            .map((id) => `<member><Id>${id}</Id><MessageId>${id}</MessageId></member>`)
            .join(
              '',
            )}</Successful><Failed/></PublishBatchResult><ResponseMetadata><RequestId>layout</RequestId></ResponseMetadata></PublishBatchResponse>`,
        );
        return;
      }
      unanswered.push(`${req.method} ${req.url} ${form.get('Action') ?? ''}`);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'not stubbed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    published,
    unanswered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A temporary folder outside the repository (and outside any folder holding node_modules). */
export function layoutRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-lambda-layout-'));
}
