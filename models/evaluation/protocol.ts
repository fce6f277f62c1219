import { startMsOf } from '../simulator/simulate';
import { dayIndex } from '../../functions/fraud/features';

/**
 * The handbook's model-selection protocol (chapter 5.3, get_train_test_set / prequential_split): fold f starts
 * its 7 training days at `start - 7f days`; after 7 days of label delay come 7 test days. Cards known to be
 * compromised leave the test set: those with a fraud in the training days, and, before test day j, those with
 * a fraud on delay-period day j - 1 (as the handbook's code reveals them). The test folds of the published table
 * start their training on 2018-08-15, 08-08, 08-01 and 07-25 (start_date_training_for_test = 2018-08-15).
 */
export const PROTOCOL = {
  testStart: '2018-08-15',
  folds: 4,
  trainDays: 7,
  delayDays: 7,
  testDays: 7,
} as const;

export interface Fold {
  /** relative days (day 0 = the simulation's start date) */
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
  /** rows of the table in the fold's test set, known compromised cards removed */
  readonly rows: Int32Array;
  readonly label: string;
}

export function protocolFolds(
  table: { rows: number; day: ArrayLike<number>; customer: ArrayLike<number>; labels: ArrayLike<number> },
  simulationStart: string,
  protocol: typeof PROTOCOL = PROTOCOL,
): Fold[] {
  const base = dayIndex(startMsOf(protocol.testStart)) - dayIndex(startMsOf(simulationStart));
  let lastDay = -1;
  for (let i = 0; i < table.rows; i++) lastDay = Math.max(lastDay, table.day[i] as number);
  const folds: Fold[] = [];
  for (let f = 0; f < protocol.folds; f++) {
    const trainFrom = base - f * protocol.testDays;
    const trainTo = trainFrom + protocol.trainDays;
    const testFrom = trainTo + protocol.delayDays;
    const known = new Set<number>();
    const fraudCardsOn = new Map<number, number[]>();
    for (let i = 0; i < table.rows; i++) {
      if (!table.labels[i]) continue;
      const d = table.day[i] as number;
      if (d >= trainFrom && d < trainTo) known.add(table.customer[i] as number);
      let list = fraudCardsOn.get(d);
      if (list === undefined) fraudCardsOn.set(d, (list = []));
      list.push(table.customer[i] as number);
    }
    const knownBefore: Set<number>[] = [];
    for (let j = 0; j < protocol.testDays; j++) {
      for (const c of fraudCardsOn.get(trainTo + j - 1) ?? []) known.add(c);
      knownBefore.push(new Set(known));
    }
    const rows: number[] = [];
    for (let i = 0; i < table.rows; i++) {
      const j = (table.day[i] as number) - testFrom;
      if (j < 0 || j >= protocol.testDays) continue;
      if (!(knownBefore[j] as Set<number>).has(table.customer[i] as number)) rows.push(i);
    }
    if (trainFrom < 0 || testFrom + protocol.testDays > lastDay + 1) {
      throw new Error(
        `fold ${f} falls outside the simulated days; simulate from ${simulationStart} for longer`,
      );
    }
    const start = new Date(startMsOf(simulationStart) + trainFrom * 86_400_000).toISOString().slice(0, 10);
    folds.push({
      trainFrom,
      testFrom,
      testTo: testFrom + protocol.testDays,
      rows: Int32Array.from(rows),
      label: start,
    });
  }
  return folds;
}

/** The handbook's published test performance for this protocol (chapter 5.3), as the issue quotes it. */
export const PUBLISHED = [
  { model: 'logistic regression', aucRoc: 0.868, averagePrecision: 0.623, cardPrecisionAt100: 0.297 },
  { model: 'random forest', aucRoc: 0.87, averagePrecision: 0.678, cardPrecisionAt100: 0.299 },
  { model: 'XGBoost', aucRoc: 0.869, averagePrecision: 0.687, cardPrecisionAt100: 0.303 },
] as const;

/**
 * The simulations `model:eval` scores by default. One simulation decides too much on its own: which terminals and
 * cards it compromises moves CP@100 by more than any model change did (0.295 to 0.335 for one model), and on some
 * seeds even ranking every fraud visible under the label delay first stays under the published 0.303. So the
 * model is judged on the mean over ten simulations, picked by a rule rather than by their results: every seed up
 * to 15 that no training run and no modelling choice used (seed 1 trains; 4 and 5 served the choices; 6 and 7
 * trained an experiment).
 */
export const EVALUATION_SEEDS: readonly number[] = [2, 3, 8, 9, 10, 11, 12, 13, 14, 15];

/** "2,3,8-15" -> [2, 3, 8, 9, ..., 15]: distinct seeds, in the order given. */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range) throw new Error(`"${part}" is not a seed or a range of seeds (e.g. 2,3,8-15)`);
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw new Error(`seed range ${part} runs backwards`);
    if (to - from >= 1000) throw new Error(`seed range ${part} is too long (at most 1000 seeds)`);
    for (let s = from; s <= to; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}
