import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_NAMES, LABEL_DELAY_DAYS } from '../../functions/fraud/features';
import type { Queryable } from '../../functions/shared/db/client';
import { MODELS_DIR, VERSION_FILE } from '../artifact';
import { writeFeatureTable } from '../features/files';
import { writeReferenceOfTraining } from '../monitoring/reference';
import { FIRST_PAYMENT_SHARE, withFirstPaymentViews } from '../features/first-payment';
import { runTraining, type TrainReport } from '../training/run';
import { exportTrainingSet, timeSplit, type TrainingSet } from './training-set';

export interface DatabaseTrainingOptions {
  asOf: Date;
  merchantId?: string;
  /** the last N days validate (default 14) */
  validWindow?: number;
  maxIter?: number;
  /** where the model goes (default models/) */
  out?: string;
  /** keep other versions' files in `out` */
  keepPrevious?: boolean;
  /** progress lines (default: stderr) */
  log?: (line: string) => void;
  quiet?: boolean;
}

export interface DatabaseTraining {
  set: TrainingSet;
  report: TrainReport;
  out: string;
  training: { from: string; to: string };
  validation: { from: string; to: string };
}

/**
 * `npm run model:train -- --from-database`: exports the stored assessments and their labels (training-set.ts),
 * splits them by time with the label delay between training and validation, trains with train.py and writes
 * the model and its drift reference, as the simulation path does.
 */
export async function trainFromDatabase(
  sql: Queryable,
  options: DatabaseTrainingOptions,
): Promise<DatabaseTraining> {
  const log = options.log ?? ((line: string) => console.error(line));
  const { asOf } = options;
  log(`exporting assessments and labels as of ${asOf.toISOString()} ...`);
  const set = await exportTrainingSet(sql, {
    asOf,
    ...(options.merchantId === undefined ? {} : { merchantId: options.merchantId }),
  });
  const { train, valid } = timeSplit(set.days, options.validWindow ?? 14);
  const day = (d: number) => new Date((set.firstDay + d) * 86_400_000).toISOString().slice(0, 10);
  const sources = Object.entries(set.fraudsBySource)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  log(
    `${set.table.rows.toLocaleString('en-US')} assessments over ${set.days} days from ${day(0)}, ${set.frauds} frauds ` +
      `(${sources}); left out: ${set.leftOut.tooRecent} too recent, ${set.leftOut.otherFeatures} of another feature set`,
  );
  const out = options.out ?? MODELS_DIR;
  const dataDir = path.join(out, 'data', `train-features-database-${asOf.toISOString().slice(0, 10)}`);
  await rm(dataDir, { recursive: true, force: true });
  await writeFeatureTable(dataDir, withFirstPaymentViews(set.table, train));
  const training = { from: day(train[0]), to: day(train[1] - 1) };
  const validation = { from: day(valid[0]), to: day(valid[1] - 1) };
  const info = {
    feature_definition: {
      code: 'functions/fraud/features',
      order: FEATURE_NAMES,
      label_delay_days: LABEL_DELAY_DAYS,
    },
    training: {
      source: 'database: stored assessments and their labels',
      as_of: asOf.toISOString(),
      ...(options.merchantId === undefined ? {} : { merchant: options.merchantId }),
      ...training,
      first_payment_views: FIRST_PAYMENT_SHARE,
      frauds_by_label_source: set.fraudsBySource,
    },
    validation,
  };
  const infoPath = path.join(dataDir, 'info.json');
  await writeFile(infoPath, JSON.stringify(info, null, 2));
  const report = await runTraining(
    [
      '--data',
      dataDir,
      '--train-days',
      train.join(':'),
      '--valid-days',
      valid.join(':'),
      '--out',
      out,
      '--info',
      infoPath,
      ...(options.maxIter === undefined ? [] : ['--max-iter', String(options.maxIter)]),
    ],
    options.maxIter,
    options.quiet,
  );
  await writeReferenceOfTraining(path.join(out, report.metadata), set.table, train, training);
  if (!options.keepPrevious) {
    for (const file of await readdir(out)) {
      const m = VERSION_FILE.exec(file);
      if (m && m[1] !== report.version) await rm(path.join(out, file));
    }
  }
  return { set, report, out, training, validation };
}
