/**
 * @jest-environment ./test/models/support/onnx-environment.js
 */
import { readFileSync } from 'node:fs';
import {
  amountMilliFromMajor,
  FEATURE_COUNT,
  FEATURE_NAMES,
  featuresFromHistory,
  type HistoryTransaction,
} from '../../../../functions/fraud/features';
import {
  calibrate,
  getFraudModel,
  OnnxFraudModel,
  parseModelMetadata,
  reasonsFor,
  riskScore,
  topReasons,
} from '../../../../functions/fraud/model';
import { activeModel } from '../../../../models/artifact';

const { metadataPath } = activeModel();

describe('the committed ONNX model through onnxruntime-node', () => {
  let model: OnnxFraudModel;
  beforeAll(async () => {
    model = await getFraudModel({ metadataPath });
  });

  it('loads once per container and names its inputs in the order the features module produces', async () => {
    expect(await getFraudModel({ metadataPath })).toBe(model);
    expect(model.metadata.features).toEqual([...FEATURE_NAMES]);
    expect(model.version).toMatch(/^hgb-[0-9a-f]{12}$/);
  });

  it('matches scikit-learn on the held-out parity rows recorded at training (max abs diff < 1e-5)', async () => {
    const parity = JSON.parse(readFileSync(metadataPath.replace(/\.json$/, '.parity.json'), 'utf8')) as {
      version: string;
      rows: number[][];
      probabilities: number[];
    };
    expect(parity.version).toBe(model.version);
    expect(parity.rows.length).toBeGreaterThanOrEqual(100);
    const scores = await model.score(parity.rows);
    const diffs = parity.probabilities.map((p, i) => Math.abs(p - (scores[i] as number)));
    expect(Math.max(...diffs)).toBeLessThan(1e-5);
    // the rows hold real frauds the model ranks high, not only easy genuine rows
    expect(Math.max(...parity.probabilities)).toBeGreaterThan(0.9);
  });

  it('is deterministic and scores a batch exactly as it scores each row alone', async () => {
    const parity = JSON.parse(readFileSync(metadataPath.replace(/\.json$/, '.parity.json'), 'utf8')) as {
      rows: number[][];
    };
    const rows = parity.rows.slice(0, 10);
    const batch = await model.score(rows);
    const again = await model.score(rows);
    expect(Array.from(again)).toEqual(Array.from(batch));
    for (let i = 0; i < rows.length; i++) {
      const single = await model.score([rows[i]!]);
      expect(single[0]).toBe(batch[i]);
    }
  });

  it('scores a card paying far above its history higher than the same card paying as usual', async () => {
    const day = (n: number, hour = 12): number =>
      Date.parse('2018-06-01T00:00:00Z') + n * 86_400_000 + hour * 3_600_000;
    const history: HistoryTransaction[] = Array.from({ length: 40 }, (_, k) => ({
      atMs: day(k * 0.7),
      amountMilli: amountMilliFromMajor(20 + (k % 5)),
      fraud: false,
    }));
    const usual = featuresFromHistory(
      { atMs: day(30), amountMilli: amountMilliFromMajor(22), unitsPerReference: 1 },
      history,
      [],
    );
    const odd = featuresFromHistory(
      { atMs: day(30), amountMilli: amountMilliFromMajor(200), unitsPerReference: 1 },
      history,
      [],
    );
    const [pUsual, pOdd] = await model.score([usual, odd]);
    expect(pOdd!).toBeGreaterThan(pUsual! + 0.3);
    expect(riskScore(pOdd!, model.metadata)).toBeGreaterThan(riskScore(pUsual!, model.metadata));
    expect(topReasons(odd)[0]).toMatch(/^amount 200\.00 is 9\.\dx this card's 30-day average \(2\d\.\d\d\)$/);
  });

  it('refuses rows of the wrong width and non-finite features', async () => {
    await expect(model.score([[1, 2, 3]])).rejects.toThrow(/features/);
    const row = new Array<number>(FEATURE_COUNT).fill(1);
    row[4] = NaN;
    await expect(model.score([row])).rejects.toThrow(/card_avg_amount_1d/);
  });
});

describe('calibrated risk score', () => {
  const metadata = parseModelMetadata(JSON.parse(readFileSync(metadataPath, 'utf8')));

  it('interpolates the isotonic table and clips outside it', () => {
    const table = { method: 'isotonic' as const, probability: [0.1, 0.5, 0.9], calibrated: [0, 0.2, 1] };
    expect(calibrate(0.05, table)).toBe(0);
    expect(calibrate(0.3, table)).toBeCloseTo(0.1, 12);
    expect(calibrate(0.7, table)).toBeCloseTo(0.6, 12);
    expect(calibrate(0.95, table)).toBe(1);
    expect(riskScore(0.95, { calibration: table })).toBe(99);
    expect(riskScore(0.7, { calibration: table })).toBe(60);
    expect(() => riskScore(1.5, { calibration: table })).toThrow(/probability/);
  });

  it('maps the committed model probabilities monotonically onto 0..99', () => {
    let previous = -1;
    for (let i = 0; i <= 1000; i++) {
      const s = riskScore(i / 1000, metadata);
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(Math.max(previous, 0));
      expect(s).toBeLessThanOrEqual(99);
      previous = s;
    }
    expect(riskScore(0, metadata)).toBeLessThan(5);
    expect(riskScore(1, metadata)).toBeGreaterThan(90);
    const { review, hold, decline } = metadata.thresholds;
    expect(review).toBeLessThan(hold);
    expect(hold).toBeLessThan(decline);
  });

  it('rejects a table that is not monotonic', () => {
    const broken = JSON.parse(readFileSync(metadataPath, 'utf8')) as {
      calibration: { calibrated: number[] };
    };
    broken.calibration.calibrated = [...broken.calibration.calibrated].reverse();
    expect(() => parseModelMetadata(broken)).toThrow(/monotonic/);
  });
});

describe('reasons in words', () => {
  const row = (values: Partial<Record<(typeof FEATURE_NAMES)[number], number>>): number[] =>
    FEATURE_NAMES.map((name) => values[name] ?? 0);

  it('names the amount against the card average and the terminal frauds, strongest first', () => {
    const features = row({
      amount: 300,
      card_tx_count_1d: 1,
      card_tx_count_30d: 11,
      card_avg_amount_30d: (10 * 50 + 300) / 11,
      amount_to_card_avg_30d: 6,
      terminal_tx_count_7d: 40,
      terminal_risk_7d: 9 / 40,
      night: 1,
    });
    expect(topReasons(features)).toEqual([
      'terminal had 9 confirmed frauds among its 40 payments 7 to 14 days ago (23%)',
      "amount 300.00 is 6x this card's 30-day average (50.00)",
      'paid at night (00:00 to 06:59 UTC)',
    ]);
    expect(topReasons(features, 1)).toHaveLength(1);
  });

  it("puts a terminal's run of confirmed frauds first, and not a single fraud", () => {
    const compromised = row({
      amount: 40,
      card_tx_count_1d: 1,
      card_tx_count_30d: 20,
      card_avg_amount_30d: 40,
      amount_to_card_avg_30d: 1,
      terminal_tx_count_7d: 6,
      terminal_risk_7d: 1,
      terminal_fraud_run: 6,
      terminal_fraud_run_hours: 12 * 24 + 5,
    });
    expect(topReasons(compromised)).toEqual([
      "terminal's last 6 payments at least 7 days old, from 12 days ago on, were all confirmed fraud",
      'terminal had 6 confirmed frauds among its 6 payments 7 to 14 days ago (100%)',
    ]);
    const single = [...compromised];
    single[FEATURE_NAMES.indexOf('terminal_fraud_run')] = 1;
    expect(reasonsFor(single).map((r) => r.code)).toEqual(['terminal_frauds']);
  });

  it('says when a card is new or unusually busy, and gives nothing for an ordinary payment', () => {
    expect(
      reasonsFor(row({ amount: 10, card_tx_count_1d: 1, card_tx_count_30d: 1 })).map((r) => r.code),
    ).toEqual(['new_card']);
    const busy = row({
      amount: 10,
      card_tx_count_1d: 8,
      card_tx_count_30d: 37,
      card_avg_amount_30d: 10,
      amount_to_card_avg_30d: 1,
    });
    expect(topReasons(busy)).toEqual([
      '8 payments from this card in the last 24 hours, against 1.0 a day over the last 30 days',
    ]);
    const ordinary = row({
      amount: 20,
      card_tx_count_1d: 1,
      card_tx_count_30d: 30,
      card_avg_amount_30d: 20,
      amount_to_card_avg_30d: 1,
    });
    expect(reasonsFor(ordinary)).toEqual([]);
  });
});
