/**
 * @jest-environment ./test/models/support/onnx-environment.js
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OnnxFraudModel, parseModelMetadata } from '../../functions/fraud/model';
import { exportFeatures } from '../../models/features/export';
import { writeFeatureTable } from '../../models/features/files';
import { REFERENCE_OPTIONS, simulate } from '../../models/simulator/simulate';

const run = promisify(execFile);
// Debian's python3 with python3-sklearn and python3-onnx (CI installs them with apt); no skip: a missing
// module fails here with the import error.
const PYTHON = '/usr/bin/python3';
const TRAIN = path.join(__dirname, '..', '..', 'models', 'training', 'train.py');

describe('training and ONNX export (python3-sklearn, python3-onnx)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rampay-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exports a HistGradientBoostingClassifier whose ONNX probabilities match scikit-learn within 1e-5', async () => {
    const sim = simulate({ ...REFERENCE_OPTIONS, customers: 400, terminals: 800, days: 70, seed: 21 });
    const table = exportFeatures(sim);
    const data = path.join(dir, 'features');
    await writeFeatureTable(data, table);
    const out = path.join(dir, 'out');
    const { stdout } = await run(
      PYTHON,
      [
        TRAIN,
        '--data',
        data,
        '--train-days',
        '38:56',
        '--valid-days',
        '56:70',
        '--out',
        out,
        '--max-iter',
        '40',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      version: string;
      comparison: Record<string, { auc_roc: number }>;
    };
    expect(report.comparison.hist_gradient_boosting!.auc_roc).toBeGreaterThan(0.7);
    expect(report.comparison.logistic_regression!.auc_roc).toBeGreaterThan(0.6);
    expect((await readdir(out)).sort()).toEqual(
      [
        `fraud-${report.version}.json`,
        `fraud-${report.version}.onnx`,
        `fraud-${report.version}.parity.json`,
      ].sort(),
    );

    const metadataPath = path.join(out, `fraud-${report.version}.json`);
    const metadata = parseModelMetadata(JSON.parse(await readFile(metadataPath, 'utf8')));
    expect(metadata.model).toMatchObject({ trees: 40 });
    const model = await OnnxFraudModel.load({ metadataPath });
    const parity = JSON.parse(
      await readFile(path.join(out, `fraud-${report.version}.parity.json`), 'utf8'),
    ) as {
      rows: number[][];
      probabilities: number[];
    };
    expect(parity.rows.length).toBe(256);
    const scores = await model.score(parity.rows);
    let maxDiff = 0;
    parity.probabilities.forEach((p, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(p - (scores[i] as number)));
    });
    expect(maxDiff).toBeLessThan(1e-5);
    // the probabilities spread out: a constant model would pass the diff check trivially
    expect(Math.max(...parity.probabilities) - Math.min(...parity.probabilities)).toBeGreaterThan(0.5);
  }, 120_000);
});
