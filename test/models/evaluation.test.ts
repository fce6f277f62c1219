import { aucRoc, averagePrecision, cardPrecisionTopK, meanStd } from '../../models/evaluation/metrics';
import { protocolFolds } from '../../models/evaluation/protocol';

describe('handbook metrics', () => {
  it('computes AUC ROC and average precision as scikit-learn does', () => {
    expect(aucRoc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
    // ties count half for the AUC and as one threshold for the AP
    expect(aucRoc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.1])).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
    expect(aucRoc([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1])).toBe(1);
  });

  it('computes card precision top-k per day with detected cards removed from later days', () => {
    const day = [0, 0, 0, 1, 1, 1];
    const card = [1, 2, 3, 1, 3, 2];
    const label = [1, 0, 1, 1, 1, 0];
    const score = [0.9, 0.8, 0.1, 0.95, 0.7, 0.6];
    // day 0: top 2 cards 1 (fraud) and 2 -> 1/2; day 1: card 1 already detected, top 2 are 3 (fraud) and 2 -> 1/2
    expect(cardPrecisionTopK(day, card, label, score, 2)).toBe(0.5);
    // a card's highest score of the day ranks it
    expect(cardPrecisionTopK([0, 0, 0], [7, 7, 8], [0, 1, 0], [0.99, 0.01, 0.5], 1)).toBe(1);
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: 1 });
  });
});

describe('prequential protocol', () => {
  it('places the four folds as the handbook does and removes known compromised cards from the test days', () => {
    // one row per (day, card) for cards 0..3 over days 100..160 of a simulation starting 2018-04-01
    const day: number[] = [];
    const customer: number[] = [];
    const labels: number[] = [];
    for (let d = 100; d < 160; d++) {
      for (let c = 0; c < 4; c++) {
        day.push(d);
        customer.push(c);
        // card 1: fraud in fold 0's training week (day 136); card 2: fraud on fold 0's delay day 145
        labels.push((c === 1 && d === 136) || (c === 2 && d === 145) ? 1 : 0);
      }
    }
    const folds = protocolFolds({ rows: day.length, day, customer, labels }, '2018-04-01');
    expect(folds.map((f) => f.label)).toEqual(['2018-08-15', '2018-08-08', '2018-08-01', '2018-07-25']);
    expect(folds.map((f) => f.trainFrom)).toEqual([136, 129, 122, 115]);
    expect(folds.map((f) => f.testFrom)).toEqual([150, 143, 136, 129]);
    const fold0 = Array.from(folds[0]!.rows, (r) => [day[r], customer[r]]);
    expect(fold0.filter(([, c]) => c === 1)).toEqual([]); // known from the training week
    // card 2's fraud on day 145 (delay day j - 1 = 2) is revealed before test day j = 3 (day 153)
    expect(fold0.filter(([, c]) => c === 2).map(([d]) => d)).toEqual([150, 151, 152]);
    expect(fold0.filter(([, c]) => c === 0)).toHaveLength(7);
  });
});
