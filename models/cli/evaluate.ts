import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_COUNT } from '../../functions/fraud/features';
import { OnnxFraudModel } from '../../functions/fraud/model';
import { activeModel, MODELS_DIR } from '../artifact';
import { rankedFirst, visibleFrauds } from '../evaluation/bounds';
import { aucRoc, averagePrecision, cardPrecisionTopK, meanStd } from '../evaluation/metrics';
import { PROTOCOL, protocolFolds, PUBLISHED, type Fold } from '../evaluation/protocol';
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
  SIMULATION_FLAGS,
  SIMULATION_USAGE,
  simulationOptions,
} from './common';

const USAGE = `usage: npm run model:eval -- [options]

Runs the committed ONNX model (onnxruntime-node) on freshly simulated transactions with the handbook's
prequential protocol (chapter 5.3: 4 folds of 7 days training, 7 days delay, 7 days test, training starting
2018-08-15, 08-08, 08-01, 07-25, known compromised cards removed) and prints AUC ROC, average precision and
card precision@100, mean and std over folds, beside the handbook's published table.

${SIMULATION_USAGE}
  --seed S          simulation seed (default 2: not the training data's seed 1)
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

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    ...SIMULATION_FLAGS,
    input: { type: 'string' },
    model: { type: 'string' },
    'update-card': { type: 'boolean' },
    'retrain-per-fold': { type: 'boolean' },
  });
  const started = performance.now();
  const metadataPath = values.model ?? activeModel().metadataPath;
  const loadStarted = performance.now();
  const model = await OnnxFraudModel.load({ metadataPath });
  const loadTime = performance.now() - loadStarted;

  let sim: Simulation;
  if (values.input !== undefined) sim = await readSimulation(values.input);
  else {
    const options = simulationOptions(values, 2);
    const bar = progress('simulating customers', options.customers);
    sim = simulate(options, (phase, done) => phase === 'transactions' && bar.update(done));
    bar.stop();
  }
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
  const scoreTime = performance.now() - scoreStarted;

  let retrained: FoldResult[] | undefined;
  if (values['retrain-per-fold']) {
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

  const summary = summarize(results);
  const bestPublished = {
    averagePrecision: Math.max(...PUBLISHED.map((p) => p.averagePrecision)),
    cardPrecisionAt100: Math.max(...PUBLISHED.map((p) => p.cardPrecisionAt100)),
  };
  const beats = {
    averagePrecision: summary.averagePrecision.mean > bestPublished.averagePrecision,
    cardPrecisionAt100: summary.cardPrecisionAt100.mean > bestPublished.cardPrecisionAt100,
  };
  const s = simulationStats(sim);
  const rows = [
    '| model | AUC ROC | AP | CP@100 |',
    '| --- | --- | --- | --- |',
    ...PUBLISHED.map(
      (p) =>
        `| ${p.model} (handbook, published) | ${p.aucRoc.toFixed(3)} | ${p.averagePrecision.toFixed(3)} | ${p.cardPrecisionAt100.toFixed(3)} |`,
    ),
    `| **RamPay ${model.version}** (measured, mean ± std over 4 folds) | ${fmt(summary.aucRoc)} | ${fmt(summary.averagePrecision)} | ${fmt(summary.cardPrecisionAt100)} |`,
  ];
  const retrainedSummary = retrained && summarize(retrained);
  if (retrainedSummary) {
    rows.push(
      `| RamPay's HistGradientBoosting retrained on each fold's 7 training days (the handbook's training protocol) | ${fmt(retrainedSummary.aucRoc)} | ${fmt(retrainedSummary.averagePrecision)} | ${fmt(retrainedSummary.cardPrecisionAt100)} |`,
    );
  }
  const bound = (which: 'perfect' | 'visible') =>
    fmt(meanStd(results.map((r) => (r.bounds as NonNullable<FoldResult['bounds']>)[which])));
  rows.push(
    `| bound: every fraud ranked first (a perfect model) | | | ${bound('perfect')} |`,
    `| bound: every fraud visible under the 7-day label delay ranked first, then this model's order | | | ${bound('visible')} |`,
  );
  const foldRows = [
    '| fold (training starts) | test rows | test frauds | AUC ROC | AP | CP@100 | CP@100 bound (visible frauds first) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.fold} | ${r.testRows} | ${r.testFrauds} | ${r.aucRoc.toFixed(3)} | ${r.averagePrecision.toFixed(3)} | ${r.cardPrecisionAt100.toFixed(3)} | ${r.bounds?.visible.toFixed(3)} |`,
    ),
  ];
  const data = `seed ${sim.options.seed}, ${sim.options.customers} customers, ${sim.options.terminals} terminals, ${sim.options.days} days from ${sim.options.startDate}: ${s.transactions.toLocaleString('en-US')} transactions, ${pct(s.fraudRate, 3)} fraud`;
  console.log(`
evaluation of ${model.version} (handbook protocol, chapter 5.3) on fresh data: ${data}

${rows.join('\n')}

${foldRows.join('\n')}

  beats the best published row on AP: ${beats.averagePrecision ? 'yes' : 'NO'} (${summary.averagePrecision.mean.toFixed(3)} vs ${bestPublished.averagePrecision}), on CP@100: ${beats.cardPrecisionAt100 ? 'yes' : 'NO'} (${summary.cardPrecisionAt100.mean.toFixed(3)} vs ${bestPublished.cardPrecisionAt100})
  time: model load ${loadTime.toFixed(0)} ms, scoring ${totalRows.toLocaleString('en-US')} rows ${(scoreTime / 1000).toFixed(1)} s, total ${seconds(started)}`);

  const reportDir = path.join(MODELS_DIR, 'data');
  await mkdir(reportDir, { recursive: true });
  const reportPath = path.join(reportDir, `eval-${model.version}-seed${sim.options.seed}.json`);
  await writeFile(
    reportPath,
    JSON.stringify(
      { model: model.version, data, folds: results, summary, beats, retrained, retrainedSummary },
      null,
      2,
    ),
  );
  console.log(`  report: ${path.relative(process.cwd(), reportPath)}`);

  if (values['update-card']) {
    const card = await readFile(CARD, 'utf8');
    const a = card.indexOf(BEGIN);
    const b = card.indexOf(END);
    if (a < 0 || b < a) throw new Error(`${CARD}: no ${BEGIN} ... ${END} section`);
    const flags = `--seed ${sim.options.seed}${retrained ? ' --retrain-per-fold' : ''} --update-card`;
    const section = `${BEGIN}\nMeasured by \`npm run model:eval -- ${flags}\` on ${new Date().toISOString().slice(0, 10)}; data: ${data}.\n\n${rows.join('\n')}\n\nPer fold:\n\n${foldRows.join('\n')}\n${END}`;
    // formatted as `npm run lint` expects (prettier aligns the tables)
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(CARD)) ?? {};
    const text = card.slice(0, a) + section + card.slice(b + END.length);
    await writeFile(CARD, await prettier.format(text, { ...config, filepath: CARD }));
    console.log(`  model card updated: ${path.relative(process.cwd(), CARD)}`);
  }
});
