import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_COUNT } from '../../functions/fraud/features';
import { OnnxFraudModel } from '../../functions/fraud/model';
import { activeModel, MODELS_DIR } from '../artifact';
import { rankedFirst, visibleFrauds } from '../evaluation/bounds';
import { aucRoc, averagePrecision, cardPrecisionTopK, meanStd } from '../evaluation/metrics';
import {
  EVALUATION_SEEDS,
  parseSeedList,
  PROTOCOL,
  protocolFolds,
  PUBLISHED,
  type Fold,
} from '../evaluation/protocol';
import { exportFeatures, selectRows, type FeatureTable } from '../features/export';
import { writeFeatureTable } from '../features/files';
import { runTraining } from '../training/run';
import { readSimulation } from '../simulator/files';
import { simulate, simulationStats, type Simulation } from '../simulator/simulate';
import {
  parseCli,
  pct,
  progress,
  runCli,
  seconds,
  UsageError,
  SIMULATION_FLAGS,
  SIMULATION_USAGE,
  simulationOptions,
} from './common';

const USAGE = `usage: npm run model:eval -- [options]

Runs the committed ONNX model (onnxruntime-node) on freshly simulated transactions with the handbook's
prequential protocol (chapter 5.3: 4 folds of 7 days training, 7 days delay, 7 days test, training starting
2018-08-15, 08-08, 08-01, 07-25, known compromised cards removed) and prints AUC ROC, average precision and
card precision@100 beside the handbook's published table: per simulation the mean and std over its folds, and
over several simulations the mean and std of those means.

${SIMULATION_USAGE}
  --seeds LIST      simulation seeds, e.g. 2,3,8-15 (default ${EVALUATION_SEEDS.join(',')}: seeds no training
                    run and no modelling choice used; one simulation moves CP@100 by more than the models differ)
  --seed S          a single simulation seed instead
  --input DIR       read a simulation written by model:simulate instead of simulating
  --model FILE      model metadata JSON (default: the one fraud-<version>.json in models/)
  --retrain-per-fold  also train a HistGradientBoostingClassifier on each fold's own 7 training days, as the
                    handbook trains its models, and add its row (needs ${'/usr/bin/python3'} with sklearn, onnx)
  --update-card     write the table into models/MODEL_CARD.md (between the eval markers)`;

const CARD = path.join(MODELS_DIR, 'MODEL_CARD.md');
const BEGIN = '<!-- eval:begin -->';
const END = '<!-- eval:end -->';

interface FoldResult {
  fold: string;
  testRows: number;
  testFrauds: number;
  aucRoc: number;
  averagePrecision: number;
  cardPrecisionAt100: number;
  /** card precision@100 with every fraud ranked first, and with every visible fraud ranked first (bounds.ts) */
  bounds?: { perfect: number; visible: number };
}

function summarize(results: FoldResult[]) {
  return {
    aucRoc: meanStd(results.map((r) => r.aucRoc)),
    averagePrecision: meanStd(results.map((r) => r.averagePrecision)),
    cardPrecisionAt100: meanStd(results.map((r) => r.cardPrecisionAt100)),
  };
}

async function evaluateFold(
  model: OnnxFraudModel,
  table: FeatureTable,
  fold: Fold,
  onScored: (rows: number) => void,
  visible?: Uint8Array,
): Promise<FoldResult> {
  const n = fold.rows.length;
  const probabilities = new Float64Array(n);
  const batch = 4096;
  for (let from = 0; from < n; from += batch) {
    const to = Math.min(n, from + batch);
    const packed = new Float64Array((to - from) * FEATURE_COUNT);
    for (let r = from; r < to; r++) {
      const row = fold.rows[r] as number;
      packed.set(
        table.values.subarray(row * FEATURE_COUNT, (row + 1) * FEATURE_COUNT),
        (r - from) * FEATURE_COUNT,
      );
    }
    probabilities.set(await model.scorePacked(packed, to - from), from);
    onScored(to - from);
  }
  const pick = <T extends Int32Array | Uint8Array>(a: T): number[] =>
    Array.from(fold.rows, (r) => a[r] as number);
  const labels = pick(table.labels);
  const days = pick(table.day);
  const cards = pick(table.customer);
  const cp = (scores: ArrayLike<number>): number => cardPrecisionTopK(days, cards, labels, scores, 100);
  return {
    fold: fold.label,
    testRows: n,
    testFrauds: labels.reduce((a, b) => a + b, 0),
    aucRoc: aucRoc(labels, probabilities),
    averagePrecision: averagePrecision(labels, probabilities),
    cardPrecisionAt100: cp(probabilities),
    ...(visible && {
      bounds: {
        perfect: cp(rankedFirst(probabilities, labels)),
        visible: cp(rankedFirst(probabilities, pick(visible))),
      },
    }),
  };
}

function fmt(m: { mean: number; std: number }): string {
  return `${m.mean.toFixed(3)} ± ${m.std.toFixed(3)}`;
}

type Summary = ReturnType<typeof summarize>;

interface SeedEvaluation {
  seed: number;
  /** the simulation's size, in words (the same for every seed of a run) */
  size: string;
  transactions: number;
  fraudRate: number;
  folds: FoldResult[];
  summary: Summary;
  bounds: { perfect: number; visible: number };
  retrained?: FoldResult[];
  retrainedSummary?: Summary;
  scoredRows: number;
  scoreMs: number;
}

/** One simulation in words: its seed, size and what it holds. */
function describe(e: SeedEvaluation): string {
  return `seed ${e.seed}, ${e.size}: ${e.transactions.toLocaleString('en-US')} transactions, ${pct(e.fraudRate, 3)} fraud`;
}

async function evaluateSimulation(
  model: OnnxFraudModel,
  sim: Simulation,
  retrainPerFold: boolean,
): Promise<SeedEvaluation> {
  const exportBar = progress('exporting features', sim.count);
  const table = exportFeatures(sim, (done) => exportBar.update(done));
  exportBar.stop();

  const folds = protocolFolds(table, sim.options.startDate);
  const visible = visibleFrauds(sim);
  const totalRows = folds.reduce((a, f) => a + f.rows.length, 0);
  const scoreBar = progress('scoring test folds', totalRows);
  const results: FoldResult[] = [];
  let scored = 0;
  const scoreStarted = performance.now();
  for (const fold of folds) {
    results.push(
      await evaluateFold(
        model,
        table,
        fold,
        (n) => {
          scored += n;
          scoreBar.update(scored);
        },
        visible,
      ),
    );
  }
  scoreBar.stop();
  const scoreMs = performance.now() - scoreStarted;

  let retrained: FoldResult[] | undefined;
  if (retrainPerFold) {
    retrained = [];
    const bar = progress('retraining per fold', folds.length);
    for (const [k, fold] of folds.entries()) {
      const dir = path.join(MODELS_DIR, 'data', `eval-retrain-seed${sim.options.seed}`, `fold-${k}`);
      await rm(dir, { recursive: true, force: true });
      const days = `${fold.trainFrom}:${fold.trainFrom + PROTOCOL.trainDays}`;
      const inTraining = (r: number): boolean =>
        (table.day[r] as number) >= fold.trainFrom &&
        (table.day[r] as number) < fold.trainFrom + PROTOCOL.trainDays;
      await writeFeatureTable(path.join(dir, 'features'), selectRows(table, inTraining));
      // the fold's own 7 training days also stand in as train.py's validation window (its calibration is unused)
      const report = await runTraining(
        [
          '--data',
          path.join(dir, 'features'),
          '--train-days',
          days,
          '--valid-days',
          days,
          '--out',
          dir,
          '--parity-rows',
          '16',
        ],
        undefined,
        true,
      );
      const foldModel = await OnnxFraudModel.load({ metadataPath: path.join(dir, report.metadata) });
      retrained.push(await evaluateFold(foldModel, table, fold, () => {}));
      bar.update(k + 1);
    }
    bar.stop();
  }
  const bound = (which: 'perfect' | 'visible') =>
    meanStd(results.map((r) => (r.bounds as NonNullable<FoldResult['bounds']>)[which])).mean;
  const { customers, terminals, days, startDate } = sim.options;
  const stats = simulationStats(sim);
  return {
    seed: sim.options.seed,
    size: `${customers} customers, ${terminals} terminals, ${days} days from ${startDate}`,
    transactions: stats.transactions,
    fraudRate: stats.fraudRate,
    folds: results,
    summary: summarize(results),
    bounds: { perfect: bound('perfect'), visible: bound('visible') },
    ...(retrained && { retrained, retrainedSummary: summarize(retrained) }),
    scoredRows: totalRows,
    scoreMs,
  };
}

/** The seeds to simulate, from --seeds / --seed (one or the other), else the default evaluation seeds. */
function seedsFrom(values: { seed?: string; seeds?: string; input?: string }): number[] {
  if (values.seed !== undefined && values.seeds !== undefined)
    throw new UsageError('give --seed or --seeds, not both');
  if (values.input !== undefined && values.seeds !== undefined)
    throw new UsageError('--input is one simulation: drop --seeds');
  if (values.seeds === undefined) return values.seed === undefined ? [...EVALUATION_SEEDS] : [];
  try {
    return parseSeedList(values.seeds);
  } catch (error) {
    throw new UsageError(`--seeds: ${(error as Error).message}`);
  }
}

const publishedRows = PUBLISHED.map(
  (p) =>
    `| ${p.model} (handbook, published) | ${p.aucRoc.toFixed(3)} | ${p.averagePrecision.toFixed(3)} | ${p.cardPrecisionAt100.toFixed(3)} |`,
);

/** One simulation: the summary table (mean ± std over its folds) and a table of its folds. */
function singleTables(version: string, e: SeedEvaluation): string[] {
  const bound = (which: 'perfect' | 'visible') =>
    fmt(meanStd(e.folds.map((r) => (r.bounds as NonNullable<FoldResult['bounds']>)[which])));
  return [
    [
      '| model | AUC ROC | AP | CP@100 |',
      '| --- | --- | --- | --- |',
      ...publishedRows,
      `| **RamPay ${version}** (measured, mean ± std over 4 folds) | ${fmt(e.summary.aucRoc)} | ${fmt(e.summary.averagePrecision)} | ${fmt(e.summary.cardPrecisionAt100)} |`,
      ...(e.retrainedSummary
        ? [
            `| RamPay's HistGradientBoosting retrained on each fold's 7 training days (the handbook's training protocol) | ${fmt(e.retrainedSummary.aucRoc)} | ${fmt(e.retrainedSummary.averagePrecision)} | ${fmt(e.retrainedSummary.cardPrecisionAt100)} |`,
          ]
        : []),
      `| bound: every fraud ranked first (a perfect model) | | | ${bound('perfect')} |`,
      `| bound: every fraud visible under the 7-day label delay ranked first, then this model's order | | | ${bound('visible')} |`,
    ].join('\n'),
    [
      '| fold (training starts) | test rows | test frauds | AUC ROC | AP | CP@100 | CP@100 bound (visible frauds first) |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...e.folds.map(
        (r) =>
          `| ${r.fold} | ${r.testRows} | ${r.testFrauds} | ${r.aucRoc.toFixed(3)} | ${r.averagePrecision.toFixed(3)} | ${r.cardPrecisionAt100.toFixed(3)} | ${r.bounds?.visible.toFixed(3)} |`,
      ),
    ].join('\n'),
  ];
}

/** Several simulations: the summary table (mean ± std over the simulations' 4-fold means) and one row per seed. */
function multiTables(version: string, all: SeedEvaluation[]): string[] {
  const over = (pick: (e: SeedEvaluation) => number) => fmt(meanStd(all.map(pick)));
  const retrained = all.every((e) => e.retrainedSummary)
    ? [
        `| RamPay's HistGradientBoosting retrained on each fold's 7 training days (the handbook's training protocol) | ${over((e) => e.retrainedSummary!.aucRoc.mean)} | ${over((e) => e.retrainedSummary!.averagePrecision.mean)} | ${over((e) => e.retrainedSummary!.cardPrecisionAt100.mean)} |`,
      ]
    : [];
  return [
    [
      '| model | AUC ROC | AP | CP@100 |',
      '| --- | --- | --- | --- |',
      ...publishedRows,
      `| **RamPay ${version}** (measured, mean ± std over ${all.length} simulations of their 4-fold means) | ${over((e) => e.summary.aucRoc.mean)} | ${over((e) => e.summary.averagePrecision.mean)} | ${over((e) => e.summary.cardPrecisionAt100.mean)} |`,
      ...retrained,
      `| bound: every fraud ranked first (a perfect model) | | | ${over((e) => e.bounds.perfect)} |`,
      `| bound: every fraud visible under the 7-day label delay ranked first, then this model's order | | | ${over((e) => e.bounds.visible)} |`,
    ].join('\n'),
    [
      '| seed | transactions | fraud | AUC ROC | AP | CP@100 (mean ± std over 4 folds) | CP@100 bound (visible frauds first) |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...all.map(
        (e) =>
          `| ${e.seed} | ${e.transactions.toLocaleString('en-US')} | ${pct(e.fraudRate, 3)} | ${e.summary.aucRoc.mean.toFixed(3)} | ${e.summary.averagePrecision.mean.toFixed(3)} | ${fmt(e.summary.cardPrecisionAt100)} | ${e.bounds.visible.toFixed(3)} |`,
      ),
    ].join('\n'),
  ];
}

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    ...SIMULATION_FLAGS,
    seeds: { type: 'string' },
    input: { type: 'string' },
    model: { type: 'string' },
    'update-card': { type: 'boolean' },
    'retrain-per-fold': { type: 'boolean' },
  });
  const started = performance.now();
  const seeds = seedsFrom(values);
  const metadataPath = values.model ?? activeModel().metadataPath;
  const loadStarted = performance.now();
  const model = await OnnxFraudModel.load({ metadataPath });
  const loadTime = performance.now() - loadStarted;
  const retrainPerFold = values['retrain-per-fold'] === true;

  const evaluations: SeedEvaluation[] = [];
  if (values.input !== undefined) {
    evaluations.push(await evaluateSimulation(model, await readSimulation(values.input), retrainPerFold));
  } else {
    for (const [k, seed] of (seeds.length > 0 ? seeds : [undefined]).entries()) {
      const options = simulationOptions(
        { ...values, seed: seed === undefined ? values.seed : String(seed) },
        2,
      );
      if (seeds.length > 1) console.error(`simulation ${k + 1}/${seeds.length}: seed ${options.seed}`);
      const bar = progress('simulating customers', options.customers);
      const sim = simulate(options, (phase, done) => phase === 'transactions' && bar.update(done));
      bar.stop();
      evaluations.push(await evaluateSimulation(model, sim, retrainPerFold));
    }
  }

  const many = evaluations.length > 1;
  const first = evaluations[0]!;
  const score = {
    averagePrecision: meanStd(evaluations.map((e) => e.summary.averagePrecision.mean)).mean,
    cardPrecisionAt100: meanStd(evaluations.map((e) => e.summary.cardPrecisionAt100.mean)).mean,
  };
  const bestPublished = {
    averagePrecision: Math.max(...PUBLISHED.map((p) => p.averagePrecision)),
    cardPrecisionAt100: Math.max(...PUBLISHED.map((p) => p.cardPrecisionAt100)),
  };
  const beats = {
    averagePrecision: score.averagePrecision > bestPublished.averagePrecision,
    cardPrecisionAt100: score.cardPrecisionAt100 > bestPublished.cardPrecisionAt100,
  };
  const over = (metric: 'averagePrecision' | 'cardPrecisionAt100') =>
    evaluations.filter((e) => e.summary[metric].mean > bestPublished[metric]).length;
  const data = many
    ? `${evaluations.length} simulations (seeds ${evaluations.map((e) => e.seed).join(', ')}), each ${first.size}`
    : describe(first);
  const [summaryTable, detailTable] = many
    ? multiTables(model.version, evaluations)
    : singleTables(model.version, first);
  const verdict = (metric: 'averagePrecision' | 'cardPrecisionAt100', name: string) =>
    `on ${name}: ${beats[metric] ? 'yes' : 'NO'} (${score[metric].toFixed(3)} vs ${bestPublished[metric]}` +
    (many ? `; above it on ${over(metric)} of ${evaluations.length} simulations)` : ')');
  const scoredRows = evaluations.reduce((a, e) => a + e.scoredRows, 0);
  const scoreMs = evaluations.reduce((a, e) => a + e.scoreMs, 0);
  console.log(`
evaluation of ${model.version} (handbook protocol, chapter 5.3) on fresh data: ${data}

${summaryTable}

${detailTable}

  beats the best published row ${verdict('averagePrecision', 'AP')}, ${verdict('cardPrecisionAt100', 'CP@100')}
  time: model load ${loadTime.toFixed(0)} ms, scoring ${scoredRows.toLocaleString('en-US')} rows ${(scoreMs / 1000).toFixed(1)} s, total ${seconds(started)}`);

  const reportDir = path.join(MODELS_DIR, 'data');
  await mkdir(reportDir, { recursive: true });
  const seedsLabel = many ? `seeds${evaluations.map((e) => e.seed).join('-')}` : `seed${first.seed}`;
  const reportPath = path.join(reportDir, `eval-${model.version}-${seedsLabel}.json`);
  await writeFile(
    reportPath,
    JSON.stringify({ model: model.version, data, score, beats, evaluations }, null, 2),
  );
  console.log(`  report: ${path.relative(process.cwd(), reportPath)}`);

  if (values['update-card']) {
    const card = await readFile(CARD, 'utf8');
    const a = card.indexOf(BEGIN);
    const b = card.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${CARD}: no ${BEGIN} ... ${END} section`);
    const flags = [
      values.seeds !== undefined && `--seeds ${values.seeds}`,
      values.seed !== undefined && `--seed ${values.seed}`,
      retrainPerFold && '--retrain-per-fold',
      '--update-card',
    ].filter(Boolean);
    const section = `${BEGIN}\nMeasured by \`npm run model:eval -- ${flags.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}; data: ${data}.\n\n${summaryTable}\n\n${many ? 'Per simulation' : 'Per fold'}:\n\n${detailTable}\n${END}`;
    // formatted as `npm run lint` expects (prettier aligns the tables)
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(CARD)) ?? {};
    const text = card.slice(0, a) + section + card.slice(b + END.length);
    await writeFile(CARD, await prettier.format(text, { ...config, filepath: CARD }));
    console.log(`  model card updated: ${path.relative(process.cwd(), CARD)}`);
  }
});
