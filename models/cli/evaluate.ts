import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_COUNT } from '../../functions/fraud/features';
import { randomInt } from 'node:crypto';
import { bundledFxRates } from '../../functions/fraud/fx-rates';
import { calibrate, OnnxFraudModel, riskScore } from '../../functions/fraud/model';
import { brierScore, reliability, thresholdBands } from '../evaluation/calibration';
import { localCurrencies, type LocalCurrencies } from '../simulator/currencies';
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
import { withFirstPaymentViews } from '../features/first-payment';
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
  --fresh N         N seeds drawn at random now (printed), none of them used before (> 1000)
  --currencies LIST the multi-currency mode, e.g. JPY,KWD,EUR,USD: each card and its merchants pay in one of
                    them (amounts at the rates table's quotes, rounded to the currency's minor unit), and the
                    report adds a table per currency
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
  /** the fold's test rows and their probabilities (for the per-currency table) */
  rows: Int32Array;
  probabilities: Float64Array;
}

interface CurrencyResult {
  currency: string;
  testRows: number;
  testFrauds: number;
  aucRoc: number;
  averagePrecision: number;
  /** share of the currency's genuine test payments the recommended hold threshold would hold */
  genuineHeld: number;
  /** share of its frauds at or over the hold threshold */
  fraudHeld: number;
}

/** Per currency, over every fold's test rows: how the model ranks and how many genuine payments it would hold. */
function perCurrency(
  model: OnnxFraudModel,
  table: FeatureTable,
  folds: readonly FoldResult[],
  local: LocalCurrencies,
): CurrencyResult[] {
  const hold = model.metadata.thresholds.hold;
  return local.currencies.map((currency, k) => {
    const labels: number[] = [];
    const scores: number[] = [];
    for (const f of folds) {
      f.rows.forEach((row, i) => {
        if (local.currency[row] !== k) return;
        labels.push(table.labels[row] as number);
        scores.push(f.probabilities[i] as number);
      });
    }
    const held = (label: number) => {
      const picked = scores.filter((_, i) => labels[i] === label);
      return picked.filter((p) => riskScore(p, model.metadata) >= hold).length / Math.max(1, picked.length);
    };
    return {
      currency,
      testRows: labels.length,
      testFrauds: labels.reduce((a, b) => a + b, 0),
      aucRoc: aucRoc(labels, scores),
      averagePrecision: averagePrecision(labels, scores),
      genuineHeld: held(0),
      fraudHeld: held(1),
    };
  });
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
    rows: Int32Array.from(fold.rows),
    probabilities,
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
  currencies?: CurrencyResult[];
  /** every fold's test rows: calibrated probability, risk score, label, reference amount (held-out days) */
  heldOut: { calibrated: number[]; scores: number[]; labels: number[]; amounts: number[] };
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
  currencies?: readonly string[],
): Promise<SeedEvaluation> {
  const local = currencies ? localCurrencies(sim, currencies, bundledFxRates()) : undefined;
  const exportBar = progress('exporting features', sim.count);
  const table = exportFeatures(sim, (done) => exportBar.update(done), local);
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
      const trainDays = [fold.trainFrom, fold.trainFrom + PROTOCOL.trainDays] as const;
      const days = trainDays.join(':');
      const inTraining = (r: number): boolean =>
        (table.day[r] as number) >= trainDays[0] && (table.day[r] as number) < trainDays[1];
      await writeFeatureTable(
        path.join(dir, 'features'),
        withFirstPaymentViews(selectRows(table, inTraining), trainDays),
      );
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
    ...(local && { currencies: perCurrency(model, table, results, local) }),
    heldOut: heldOutOf(model, table, results),
    scoredRows: totalRows,
    scoreMs,
  };
}

/** The seeds to simulate, from --seeds / --seed (one or the other), else the default evaluation seeds. */
function seedsFrom(values: { seed?: string; seeds?: string; input?: string; fresh?: string }): number[] {
  if (values.fresh !== undefined) {
    if (values.seed !== undefined || values.seeds !== undefined || values.input !== undefined)
      throw new UsageError('--fresh draws its own seeds: drop --seed, --seeds and --input');
    const n = Number(values.fresh);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--fresh takes 1 to 100');
    const drawn = new Set<number>();
    while (drawn.size < n) drawn.add(randomInt(1001, 2 ** 31 - 1));
    return [...drawn];
  }
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

function heldOutOf(model: OnnxFraudModel, table: FeatureTable, folds: readonly FoldResult[]) {
  const out = {
    calibrated: [] as number[],
    scores: [] as number[],
    labels: [] as number[],
    amounts: [] as number[],
  };
  for (const f of folds) {
    f.rows.forEach((row, i) => {
      const p = f.probabilities[i] as number;
      out.calibrated.push(calibrate(p, model.metadata.calibration));
      out.scores.push(riskScore(p, model.metadata));
      out.labels.push(table.labels[row] as number);
      out.amounts.push(table.values[row * FEATURE_COUNT] as number);
    });
  }
  return out;
}

/** Calibration (reliability, Brier) and the threshold bands, on every simulation's held-out test days pooled. */
function calibrationTables(model: OnnxFraudModel, all: SeedEvaluation[]): string {
  const calibrated = all.flatMap((e) => e.heldOut.calibrated);
  const labels = all.flatMap((e) => e.heldOut.labels);
  const scores = all.flatMap((e) => e.heldOut.scores);
  const amounts = all.flatMap((e) => e.heldOut.amounts);
  const bins = reliability(calibrated, labels);
  const bands = thresholdBands(scores, labels, amounts, {
    review: model.metadata.thresholds.review,
    hold: model.metadata.thresholds.hold,
    decline: model.metadata.thresholds.decline,
  });
  return `
Calibration on held-out days (the test days above, ${labels.length.toLocaleString('en-US')} payments; the isotonic table was fitted on the training simulation's validation window): Brier score ${brierScore(calibrated, labels).toFixed(5)}

| calibrated probability | payments | mean predicted | observed fraud rate |
| --- | --- | --- | --- |
${bins.map((b) => `| ${b.from.toFixed(2)}-${b.to.toFixed(2)} | ${b.payments.toLocaleString('en-US')} | ${b.predicted.toFixed(3)} | ${b.payments > 0 ? b.observed.toFixed(3) : '-'} |`).join('\n')}

Threshold bands on the same held-out days (the model's recommended thresholds):

| band | score >= | share of payments | precision | recall | fraud amount caught |
| --- | --- | --- | --- | --- | --- |
${bands.map((b) => `| ${b.name} | ${b.scoreAtLeast} | ${pct(b.shareOfPayments)} | ${b.precision === null ? '-' : b.precision.toFixed(2)} | ${b.recall.toFixed(2)} | ${b.amountRecall.toFixed(2)} |`).join('\n')}
`;
}

/** Per currency, over every simulation's test folds pooled: mean of the per-simulation figures. */
function currencyTableOf(hold: number, all: SeedEvaluation[]): string {
  const first = all[0]?.currencies ?? [];
  const rows = first.map(({ currency }) => {
    const of = all.map((e) => e.currencies!.find((c) => c.currency === currency)!);
    const mean = (pick: (c: CurrencyResult) => number) => meanStd(of.map(pick)).mean;
    const rowsTotal = of.reduce((a, c) => a + c.testRows, 0);
    const fraudsTotal = of.reduce((a, c) => a + c.testFrauds, 0);
    return `| ${currency} | ${rowsTotal.toLocaleString('en-US')} | ${fraudsTotal.toLocaleString('en-US')} | ${mean((c) => c.aucRoc).toFixed(3)} | ${mean((c) => c.averagePrecision).toFixed(3)} | ${pct(
      mean((c) => c.genuineHeld),
      3,
    )} | ${pct(
      mean((c) => c.fraudHeld),
      1,
    )} |`;
  });
  return `
Per currency (every card and its merchants in one currency; test days of all folds; hold = score >= ${hold}):

| currency | test payments | frauds | AUC ROC | AP | genuine payments held | frauds held |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    ...SIMULATION_FLAGS,
    seeds: { type: 'string' },
    input: { type: 'string' },
    model: { type: 'string' },
    'update-card': { type: 'boolean' },
    'retrain-per-fold': { type: 'boolean' },
    fresh: { type: 'string' },
    currencies: { type: 'string' },
  });
  const currencies = values.currencies?.split(',').map((c) => c.trim().toUpperCase());
  if (currencies?.some((c) => bundledFxRates().unitsPerReference[c] === undefined))
    throw new UsageError(`--currencies: every currency must be in the rates table, got ${values.currencies}`);
  const started = performance.now();
  const seeds = seedsFrom(values);
  if (values.fresh !== undefined) console.error(`seeds drawn for this run: ${seeds.join(',')}`);
  const metadataPath = values.model ?? activeModel().metadataPath;
  const loadStarted = performance.now();
  const model = await OnnxFraudModel.load({ metadataPath });
  const loadTime = performance.now() - loadStarted;
  const retrainPerFold = values['retrain-per-fold'] === true;

  const evaluations: SeedEvaluation[] = [];
  if (values.input !== undefined) {
    evaluations.push(
      await evaluateSimulation(model, await readSimulation(values.input), retrainPerFold, currencies),
    );
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
      evaluations.push(await evaluateSimulation(model, sim, retrainPerFold, currencies));
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
  const currencyTable = currencies ? currencyTableOf(model.metadata.thresholds.hold, evaluations) : '';
  const calibrationTable = calibrationTables(model, evaluations);
  const scoredRows = evaluations.reduce((a, e) => a + e.scoredRows, 0);
  const scoreMs = evaluations.reduce((a, e) => a + e.scoreMs, 0);
  console.log(`
evaluation of ${model.version} (handbook protocol, chapter 5.3) on fresh data: ${data}

${summaryTable}

${detailTable}
${currencyTable}${calibrationTable}
  beats the best published row ${verdict('averagePrecision', 'AP')}, ${verdict('cardPrecisionAt100', 'CP@100')}
  time: model load ${loadTime.toFixed(0)} ms, scoring ${scoredRows.toLocaleString('en-US')} rows ${(scoreMs / 1000).toFixed(1)} s, total ${seconds(started)}`);

  const reportDir = path.join(MODELS_DIR, 'data');
  await mkdir(reportDir, { recursive: true });
  const seedsLabel = many ? `seeds${evaluations.map((e) => e.seed).join('-')}` : `seed${first.seed}`;
  const reportPath = path.join(reportDir, `eval-${model.version}-${seedsLabel}.json`);
  await writeFile(
    reportPath,
    JSON.stringify(
      { model: model.version, data, score, beats, evaluations },
      (key, value: unknown) =>
        key === 'rows' || key === 'probabilities' || key === 'heldOut' ? undefined : value,
      2,
    ),
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
      values.fresh !== undefined && `--fresh ${values.fresh}`,
      currencies && `--currencies ${currencies.join(',')}`,
      retrainPerFold && '--retrain-per-fold',
      '--update-card',
    ].filter(Boolean);
    const section = `${BEGIN}\nMeasured by \`npm run model:eval -- ${flags.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}; data: ${data}.\n\n${summaryTable}\n\n${many ? 'Per simulation' : 'Per fold'}:\n\n${detailTable}\n${currencyTable}${calibrationTable}${END}`;
    // formatted as `npm run lint` expects (prettier aligns the tables)
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(CARD)) ?? {};
    const text = card.slice(0, a) + section + card.slice(b + END.length);
    await writeFile(CARD, await prettier.format(text, { ...config, filepath: CARD }));
    console.log(`  model card updated: ${path.relative(process.cwd(), CARD)}`);
  }
});
