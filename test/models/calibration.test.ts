import { brierScore, reliability, thresholdBands } from '../../models/evaluation/calibration';

describe('held-out calibration and bands', () => {
  it('bins calibrated probabilities with the fraud rate observed in each', () => {
    const calibrated = [0.001, 0.002, 0.03, 0.3, 0.35, 0.95, 0.99, 1];
    const labels = [0, 0, 0, 1, 0, 1, 1, 1];
    const bins = reliability(calibrated, labels);
    expect(bins.map((b) => b.payments)).toEqual([2, 1, 0, 2, 0, 0, 3]);
    expect(bins[3]).toMatchObject({ from: 0.2, to: 0.5, observed: 0.5 });
    expect(bins[3]!.predicted).toBeCloseTo(0.325, 12);
    expect(bins[6]).toMatchObject({ from: 0.9, to: 1, observed: 1 });
  });

  it('scores perfect forecasts 0 and the worst 1 (Brier)', () => {
    expect(brierScore([0, 1, 1], [0, 1, 1])).toBe(0);
    expect(brierScore([1, 0], [0, 1])).toBe(1);
    expect(brierScore([0.5, 0.5], [0, 1])).toBe(0.25);
  });

  it('measures each band on count and on fraud amount', () => {
    const scores = [10, 30, 60, 95, 99];
    const labels = [0, 1, 0, 1, 1];
    const amounts = [5, 100, 10, 300, 600];
    const [review, decline] = thresholdBands(scores, labels, amounts, { review: 20, decline: 90 });
    expect(review).toMatchObject({ scoreAtLeast: 20, shareOfPayments: 0.8, precision: 0.75, recall: 1 });
    expect(decline).toMatchObject({ shareOfPayments: 0.4, precision: 1 });
    expect(decline!.recall).toBeCloseTo(2 / 3, 12);
    expect(decline!.amountRecall).toBeCloseTo(0.9, 12);
  });
});
