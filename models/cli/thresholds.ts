import { randomInt } from 'node:crypto';
import path from 'node:path';
import { OnnxFraudModel } from '../../functions/fraud/model';
import { activeModel } from '../artifact';
import { CAPACITY_STEPS, recommendThresholds, type Recommendation } from '../evaluation/costs';
import { writeEnvironmentThresholds } from '../evaluation/environment-config';
import { heldOutScores, pooled } from '../evaluation/held-out';
import { parseSeedList } from '../evaluation/protocol';
import { REFERENCE_OPTIONS, simulate } from '../simulator/simulate';
import { parseCli, runCli, seconds, UsageError } from './common';

const ENVIRONMENTS = path.resolve(__dirname, '..', '..', 'lib', 'infra', 'config', 'environments');

const USAGE = `usage: npm run model:thresholds -- --review-capacity N [options]

Recommends the review / hold / decline thresholds with the lowest expected cost a day on held-out payments (the
test days of the handbook protocol on fresh simulations, scored by the committed model), given the costs and the
reviewers' daily capacity, prints the trade-off table, and with --env writes them to that environment's config
(lib/infra/config/environments/<env>.ts; deploy to apply).

  --review-capacity N   items reviewers can open a day (review + hold bands)
  --missed-fraud X      cost of a missed fraud per euro of its amount (default 1: the amount is lost)
  --review-cost X       cost of one review, euros (default 3)
  --false-decline-cost X  cost of declining a genuine payment, euros (default 20)
  --daily-payments N    this deployment's payments a day (default: the simulation's, about 9,700)
  --fresh N             simulations on N seeds drawn now (default 2; printed)
  --seeds LIST          simulations on these seeds instead
  --env NAME            write the recommendation to this environment's config (dev, staging, prod)
  --model FILE          model metadata JSON (default: the committed model)`;

function number(name: string, text: string | undefined, fallback?: number): number {
  if (text === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number >= 0, got "${text}"`);
  return n;
}

const row = (capacity: number, r: Recommendation) =>
  `| ${capacity.toFixed(0)} | ${r.review} / ${r.hold} / ${r.decline} | ${r.reviewsPerDay.toFixed(1)} | ${r.falseDeclinesPerDay.toFixed(1)} | ${(100 * r.fraudsCaughtShare).toFixed(1)}% | ${r.missedFraudPerDay.toFixed(0)} | ${r.costPerDay.toFixed(0)} |`;

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    'review-capacity': { type: 'string' },
    'missed-fraud': { type: 'string' },
    'review-cost': { type: 'string' },
    'false-decline-cost': { type: 'string' },
    'daily-payments': { type: 'string' },
    fresh: { type: 'string' },
    seeds: { type: 'string' },
    env: { type: 'string' },
    model: { type: 'string' },
  });
  const started = performance.now();
  const capacity = number('review-capacity', values['review-capacity']);
  const costs = {
    missedFraudPerUnit: number('missed-fraud', values['missed-fraud'], 1),
    review: number('review-cost', values['review-cost'], 3),
    falseDecline: number('false-decline-cost', values['false-decline-cost'], 20),
  };
  if (values.env !== undefined && !/^[a-z0-9-]+$/.test(values.env))
    throw new UsageError('--env: a name like prod');
  const seeds =
    values.seeds !== undefined
      ? parseSeedList(values.seeds)
      : Array.from({ length: number('fresh', values.fresh, 2) }, () => randomInt(1001, 2 ** 31 - 1));
  console.error(`held-out data: simulations on seeds ${seeds.join(',')}`);
  const model = await OnnxFraudModel.load({ metadataPath: values.model ?? activeModel().metadataPath });
  const sets = [];
  for (const [k, seed] of seeds.entries()) {
    console.error(`simulation ${k + 1}/${seeds.length} (seed ${seed}): simulating, exporting, scoring ...`);
    sets.push(await heldOutScores(model, simulate({ ...REFERENCE_OPTIONS, seed })));
  }
  const data = pooled(sets);
  const daily =
    values['daily-payments'] === undefined ? undefined : number('daily-payments', values['daily-payments']);
  const { best, table } = recommendThresholds(data, costs, capacity, daily);
  console.log(`
thresholds for ${model.version} from ${data.scores.length.toLocaleString('en-US')} held-out payments (${data.days} days; seeds ${seeds.join(',')})
costs: missed fraud ${costs.missedFraudPerUnit} per euro, review ${costs.review}, false decline ${costs.falseDecline}; capacity ${capacity} reviews a day

| review capacity a day | review / hold / decline | reviews a day | false declines a day | frauds caught | missed fraud a day (EUR) | cost a day |
| --- | --- | --- | --- | --- | --- | --- |
${table.map((r, k) => row(capacity * CAPACITY_STEPS[k]!, r)).join('\n')}

recommended: review ${best.review}, hold ${best.hold}, decline ${best.decline} (cost ${best.costPerDay.toFixed(0)} a day); ${seconds(started)}`);
  if (values.env !== undefined) {
    const file = path.join(ENVIRONMENTS, `${values.env}.ts`);
    await writeEnvironmentThresholds(file, best);
    console.log(`written to ${path.relative(process.cwd(), file)}; deploy to apply`);
  }
});
