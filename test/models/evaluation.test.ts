import { rankedFirst, visibleFrauds } from '../../models/evaluation/bounds';
import { aucRoc, averagePrecision, cardPrecisionTopK, meanStd } from '../../models/evaluation/metrics';
import { EVALUATION_SEEDS, parseSeedList, protocolFolds } from '../../models/evaluation/protocol';
import { REFERENCE_OPTIONS, type Simulation } from '../../models/simulator/simulate';

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

describe('evaluation seeds', () => {
  it('reads single seeds and ranges, once each, in the order given', () => {
    expect(parseSeedList('2,3,8-11')).toEqual([2, 3, 8, 9, 10, 11]);
    expect(parseSeedList(' 5 , 3-4 ,4')).toEqual([5, 3, 4]);
  });

  it('refuses what is not a seed list, saying which part is wrong', () => {
    expect(() => parseSeedList('2,x')).toThrow('"x" is not a seed');
    expect(() => parseSeedList('9-3')).toThrow('seed range 9-3 runs backwards');
    expect(() => parseSeedList('1-5000')).toThrow('too long');
    expect(() => parseSeedList('')).toThrow('is not a seed');
  });

  it('evaluates by default on seeds that neither trained the model nor served a modelling choice', () => {
    for (const used of [1, 4, 5, 6, 7]) expect(EVALUATION_SEEDS).not.toContain(used);
    expect(new Set(EVALUATION_SEEDS).size).toBe(EVALUATION_SEEDS.length);
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

describe('bounds of card precision', () => {
  const HOUR = 3600;
  const DAY = 24 * HOUR;
  // one simulation row per [seconds since the start, terminal, scenario]
  const simulation = (rows: [number, number, number][]): Simulation => ({
    options: { ...REFERENCE_OPTIONS, terminals: 3 },
    startMs: Date.parse('2018-04-01T00:00:00Z'),
    count: rows.length,
    timeSeconds: Int32Array.from(rows, (r) => r[0]),
    customer: new Int32Array(rows.length),
    terminal: Int32Array.from(rows, (r) => r[1]),
    amountCents: new Int32Array(rows.length).fill(5000),
    fraud: Uint8Array.from(rows, (r) => (r[2] > 0 ? 1 : 0)),
    scenario: Uint8Array.from(rows, (r) => r[2]),
  });

  it('sees a compromised terminal once a fraud of its compromise is in an hour the terminal windows read', () => {
    const start = 10 * DAY + 9 * HOUR + 1800; // 09:30 on day 10
    const sim = simulation([
      [5 * DAY, 1, 1], // an amount fraud: always visible
      [6 * DAY, 1, 3], // a card's multiplied amount: always visible
      [start, 0, 2], // the compromise's first fraud: hour h
      [start + DAY, 0, 2],
      [start + 7 * DAY, 0, 2], // hour h + 168: that hour is not read yet
      [start + 7 * DAY + HOUR, 0, 2], // hour h + 169: the first fraud's hour is H - 169
      [start + 7 * DAY + HOUR, 2, 0], // genuine
      [start + 8 * DAY, 1, 2], // another terminal's compromise starts: its own clock
      [start + 35 * DAY + HOUR, 0, 2], // 28 days after terminal 0's last fraud: the same compromise
      [start + 63 * DAY + HOUR + 1, 0, 2], // 28 days and a second after it: a new compromise
    ]);
    expect(Array.from(visibleFrauds(sim))).toEqual([1, 1, 0, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('moves the chosen rows above all others and keeps the order within each group', () => {
    expect(Array.from(rankedFirst([0.9, 0.1, 0.5, 0.2], [0, 1, 0, 1]))).toEqual([0.9, 2.1, 0.5, 2.2]);
    // with every fraud first, card precision is the share of days' top cards that are compromised
    const day = [0, 0, 0];
    const card = [1, 2, 3];
    const labels = [0, 1, 0];
    expect(cardPrecisionTopK(day, card, labels, [0.9, 0.1, 0.5], 1)).toBe(0);
    expect(cardPrecisionTopK(day, card, labels, rankedFirst([0.9, 0.1, 0.5], labels), 1)).toBe(1);
  });
});
