import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CARD_WINDOW_DAYS,
  FEATURE_NAMES,
  LABEL_DELAY_DAYS,
  TERMINAL_WINDOW_DAYS,
} from '../../functions/fraud/features';
import { MODELS_DIR, VERSION_FILE } from '../artifact';
import { exportFeatures } from '../features/export';
import { PYTHON, runTraining, type TrainReport } from '../training/run';
import { writeFeatureTable } from '../features/files';
import { createSql } from '../../functions/shared/db/client';
import { trainFromDatabase } from '../database/train-from-database';
import { writeReferenceOfTraining } from '../monitoring/reference';
import { FIRST_PAYMENT_SHARE, withFirstPaymentViews } from '../features/first-payment';
import { readSimulation } from '../simulator/files';
import { simulate, simulationStats, startMsOf, type Simulation } from '../simulator/simulate';
import {
  parseCli,
  pct,
  positiveInt,
  progress,
  runCli,
  seconds,
  SIMULATION_FLAGS,
  SIMULATION_USAGE,
  simulationOptions,
  UsageError,
} from './common';

const USAGE = `usage: npm run model:train -- [options]

Simulates (or reads) transactions, exports the features with functions/fraud/features, trains a
HistGradientBoostingClassifier and a logistic regression with ${PYTHON} (python3-sklearn, python3-onnx),
and writes models/fraud-<version>.onnx, its metadata JSON, parity rows and drift reference (the training
window's score and feature distributions, fraud-<version>.reference.json); the previous version's files
in the output folder are removed (one committed model; git keeps the old ones).

${SIMULATION_USAGE}
  --seed S          simulation seed (default 1; evaluation uses 2)
  --input DIR       read a simulation written by model:simulate instead of simulating
  --train-days A:B  training days, relative to the start, B excluded (default 38:162: every window filled)
  --valid-days C:D  validation days for the comparison and the calibration (default 169:183, after a 7-day gap)
  --max-iter N      boosting iterations (default: train.py's HGB_PARAMS)
  --out DIR         where the artifact goes (default models/)
  --keep-previous   keep the other versions' files in the output folder

From a deployment's own data (instead of a simulation):
  --from-database   train on the stored assessments (the features the model read) and their labels (reviews,
                    fraud reports, declines) in the database at --database-url (default DATABASE_URL)
  --database-url U  postgres://... (the local platform's embedded database while \`npm start\` runs, or RDS)
  --as-of T         the export's moment, ISO 8601 (default now): labels dated later are not seen, and payments
                    less than ${LABEL_DELAY_DAYS} days older than it are left out (their labels may still come)
  --merchant M      one merchant's assessments only
  --valid-window N  the last N days validate (default 14); training ends ${LABEL_DELAY_DAYS} days before them`;

function parseSpan(name: string, text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m || Number(m[1]) >= Number(m[2]))
    throw new UsageError(`--${name} must be A:B with A < B, got "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

function within(name: string, span: [number, number], days: number): [number, number] {
  if (span[1] > days) throw new UsageError(`--${name} ends after the simulation's ${days} days`);
  return span;
}

/** Rewrites JSON files as `npm run lint` expects them (prettier; the values stay as they were). */
async function formatJson(files: string[]): Promise<void> {
  const prettier = await import('prettier');
  for (const file of files) {
    const config = (await prettier.resolveConfig(file)) ?? {};
    await writeFile(file, await prettier.format(await readFile(file, 'utf8'), { ...config, filepath: file }));
  }
}

function dateOf(sim: Simulation, day: number): string {
  return new Date(startMsOf(sim.options.startDate) + day * 86_400_000).toISOString().slice(0, 10);
}

/** `--from-database`: the stored assessments and labels of the database at --database-url / DATABASE_URL. */
async function fromDatabase(values: {
  'database-url'?: string;
  'as-of'?: string;
  merchant?: string;
  'valid-window'?: string;
  'max-iter'?: string;
  out?: string;
  'keep-previous'?: boolean;
}): Promise<void> {
  const url = values['database-url'] ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('--from-database needs --database-url or DATABASE_URL');
  const asOf = values['as-of'] === undefined ? new Date() : new Date(values['as-of']);
  if (!Number.isFinite(asOf.getTime())) throw new UsageError(`--as-of is not a date: ${values['as-of']}`);
  const started = performance.now();
  const sql = createSql({ url, max: 1 });
  try {
    const { report, out, training, validation } = await trainFromDatabase(sql, {
      asOf,
      ...(values.merchant === undefined ? {} : { merchantId: values.merchant }),
      validWindow: positiveInt('valid-window', values['valid-window'], 14),
      ...(values['max-iter'] === undefined
        ? {}
        : { maxIter: positiveInt('max-iter', values['max-iter'], 1) }),
      ...(values.out === undefined ? {} : { out: values.out }),
      keepPrevious: values['keep-previous'] === true,
    });
    await formatJson([
      path.join(out, report.metadata),
      path.join(out, report.metadata.replace(/\.json$/, '.parity.json')),
    ]);
    const hgb = report.comparison.hist_gradient_boosting!;
    console.log(`
model ${report.version} (from the database, as of ${asOf.toISOString()})
  training      ${training.from} .. ${training.to}; validation ${validation.from} .. ${validation.to}
  validation    AUC ROC ${hgb.auc_roc.toFixed(3)}, AP ${hgb.average_precision.toFixed(3)}, CP@100 ${hgb.card_precision_at_100.toFixed(3)}
  time          total ${seconds(started)}
  written       ${path.join(out, report.metadata)}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

runCli(USAGE, async () => {
  const values = parseCli(USAGE, {
    ...SIMULATION_FLAGS,
    input: { type: 'string' },
    'train-days': { type: 'string' },
    'valid-days': { type: 'string' },
    'max-iter': { type: 'string' },
    out: { type: 'string' },
    'keep-previous': { type: 'boolean' },
    'from-database': { type: 'boolean' },
    'database-url': { type: 'string' },
    'as-of': { type: 'string' },
    merchant: { type: 'string' },
    'valid-window': { type: 'string' },
  });
  if (values['from-database']) {
    await fromDatabase(values);
    return;
  }
  const trainSpan = parseSpan('train-days', values['train-days']);
  const validSpan = parseSpan('valid-days', values['valid-days']);
  const maxIter =
    values['max-iter'] === undefined ? undefined : positiveInt('max-iter', values['max-iter'], 1);
  const started = performance.now();
  let sim: Simulation;
  if (values.input !== undefined) {
    sim = await readSimulation(values.input);
  } else {
    const options = simulationOptions(values, 1);
    const bar = progress('simulating customers', options.customers);
    sim = simulate(options, (phase, done) => phase === 'transactions' && bar.update(done));
    bar.stop();
  }
  const days = sim.options.days;
  const trainDays = within('train-days', trainSpan ?? [38, 162], days);
  const validDays = within('valid-days', validSpan ?? [169, 183], days);
  const out = values.out ?? MODELS_DIR;

  const exportStarted = performance.now();
  const bar = progress('exporting features', sim.count);
  const table = exportFeatures(sim, (done) => bar.update(done));
  bar.stop();
  const dataDir = path.join(MODELS_DIR, 'data', `train-features-seed${sim.options.seed}`);
  await writeFeatureTable(dataDir, withFirstPaymentViews(table, trainDays));
  const exportTime = seconds(exportStarted);

  const info = {
    feature_definition: {
      code: 'functions/fraud/features',
      order: FEATURE_NAMES,
      clock: 'UTC (hour buckets, weekday and hour read in UTC)',
      amount: 'major units of the payment currency (minor / 10^exponent); sums in integer thousandths',
      card_windows_days: CARD_WINDOW_DAYS,
      card_window: 'hours [H-24n+1, H] (H: the UTC hour number), the current transaction included',
      terminal_windows_days: TERMINAL_WINDOW_DAYS,
      terminal_window: `hours [H-24(n+${LABEL_DELAY_DAYS}), H-${24 * LABEL_DELAY_DAYS + 1}] (labels at least ${LABEL_DELAY_DAYS} days old)`,
      label_delay_days: LABEL_DELAY_DAYS,
    },
    training: {
      simulation: sim.options,
      first_payment_views: FIRST_PAYMENT_SHARE,
      from: dateOf(sim, trainDays[0]),
      to: dateOf(sim, trainDays[1] - 1),
    },
    validation: { from: dateOf(sim, validDays[0]), to: dateOf(sim, validDays[1] - 1) },
  };
  const infoPath = path.join(dataDir, 'info.json');
  await writeFile(infoPath, JSON.stringify(info, null, 2));

  const trainStarted = performance.now();
  const report = await runTraining(
    [
      '--data',
      dataDir,
      '--train-days',
      trainDays.join(':'),
      '--valid-days',
      validDays.join(':'),
      '--out',
      out,
      '--info',
      infoPath,
      ...(maxIter === undefined ? [] : ['--max-iter', String(maxIter)]),
    ],
    maxIter,
  );
  const trainTime = seconds(trainStarted);
  const referenceBar = progress('drift reference', 0);
  const reference = await writeReferenceOfTraining(
    path.join(out, report.metadata),
    table,
    trainDays,
    { from: info.training.from, to: info.training.to },
    (done, total) => referenceBar.update(done, total),
  );
  referenceBar.stop();
  await formatJson([
    path.join(out, report.metadata),
    path.join(out, report.metadata.replace(/\.json$/, '.parity.json')),
  ]);
  const removed: string[] = [];
  if (!values['keep-previous']) {
    for (const file of await readdir(out)) {
      const m = VERSION_FILE.exec(file);
      if (m && m[1] !== report.version) {
        await rm(path.join(out, file));
        removed.push(file);
      }
    }
  }

  const s = simulationStats(sim);
  const row = (name: string, m: TrainReport['comparison'][string]): string =>
    `  ${name.padEnd(24)} ${m.auc_roc.toFixed(3)}     ${m.average_precision.toFixed(3)}   ${m.card_precision_at_100.toFixed(3)}    ${m.fit_seconds.toFixed(1)} s`;
  console.log(`
model ${report.version}
  data          seed ${sim.options.seed}: ${s.transactions.toLocaleString('en-US')} transactions, ${pct(s.fraudRate, 3)} fraud
  training      ${info.training.from} .. ${info.training.to}; validation ${info.validation.from} .. ${info.validation.to}
  validation    model                    AUC ROC   AP      CP@100   fit
${row('hist gradient boosting', report.comparison.hist_gradient_boosting!)}
${row('logistic regression', report.comparison.logistic_regression!)}
  thresholds    ${Object.entries(report.thresholds)
    .map(
      ([k, t]) =>
        `${k} >= ${t.score_at_least}: ${pct(t.share_of_payments)} of payments, precision ${t.precision === null ? '-' : t.precision.toFixed(2)}, recall ${t.recall.toFixed(2)}`,
    )
    .join('\n                ')}
  calibration   isotonic, ${report.calibration_points} breakpoints
  time          features ${exportTime}, training ${trainTime}, total ${seconds(started)}
  written       ${path.join(out, report.onnx)}
                ${path.join(out, report.metadata)}
                ${reference}${removed.length > 0 ? `\n  removed       ${removed.join(', ')}` : ''}`);
});
