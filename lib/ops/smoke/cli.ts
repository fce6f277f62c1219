/**
 * `npm run smoke -- --outputs cdk-outputs-<env>.json --env <env>` (or `--api-url URL` and `--token TOKEN`): the
 * deployment's smoke test. The test merchant's app client comes from RAMPAY_SMOKE_CLIENT_ID and
 * RAMPAY_SMOKE_CLIENT_SECRET. Exits 0 when every step passed, 1 when one failed, 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSmoke, type SmokeTarget } from './smoke';

const USAGE =
  'usage: npm run smoke -- (--outputs FILE --env NAME | --api-url URL) [--token TOKEN] [--token-endpoint URL]';

/** The api stack's outputs in a `cdk deploy --outputs-file` file. */
function apiOutputs(file: string, env: string): Record<string, string> {
  const outputs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>;
  const api = outputs[`RamPay-${env}-api`];
  if (!api) throw new Error(`${file} has no outputs of RamPay-${env}-api`);
  return api;
}

export async function runSmokeCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let target: SmokeTarget;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        outputs: { type: 'string' },
        env: { type: 'string' },
        'api-url': { type: 'string' },
        token: { type: 'string' },
        'token-endpoint': { type: 'string' },
      },
    });
    const outputs = values.outputs ? apiOutputs(values.outputs, values.env ?? 'dev') : {};
    const apiUrl = values['api-url'] ?? outputs.ApiUrl;
    if (!apiUrl) throw new Error('no API URL: give --api-url, or --outputs with the api stack outputs');
    target = {
      apiUrl,
      token: values.token,
      tokenEndpoint: values['token-endpoint'] ?? outputs.TokenEndpoint,
      clientId: env.RAMPAY_SMOKE_CLIENT_ID,
      clientSecret: env.RAMPAY_SMOKE_CLIENT_SECRET,
      scopePrefix: outputs.TokenEndpoint ? 'rampay/' : '',
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  console.log(`smoke test of ${target.apiUrl}`);
  const steps = await runSmoke(target, (step) =>
    console.log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name} (${step.ms} ms): ${step.detail}`),
  );
  const failed = steps.find((step) => !step.ok);
  console.log(
    failed
      ? `smoke test failed at "${failed.name}" after ${steps.length} of 4 steps`
      : `smoke test passed: ${steps.length} of 4 steps in ${steps.reduce((sum, s) => sum + s.ms, 0)} ms`,
  );
  return failed ? 1 : 0;
}
