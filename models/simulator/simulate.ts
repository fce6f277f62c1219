import { Random } from './random';

/**
 * The transaction simulator of "Reproducible Machine Learning for Credit Card Fraud Detection - Practical
 * Handbook" (Le Borgne et al., chapter 3.2), reimplemented from its published description:
 *
 * - customers at a uniform location on a 100x100 grid, mean amount U(5, 100), std = mean / 2, mean
 *   transactions per day U(0, 4); terminals at uniform locations on the same grid; a customer uses the terminals
 *   closer than `radius` (5);
 * - each day a customer makes Poisson(mean per day) transactions; each one's time of day ~ N(12 h, 20000 s),
 *   dropped unless inside the day (as the handbook does); amount ~ N(mean, std), a negative draw replaced by
 *   U(0, 2 x mean), rounded to two decimals; terminal uniform among the customer's;
 * - fraud: (1) every amount over 220 is fraud; (2) each day 2 random terminals are compromised and all their
 *   transactions in the next 28 days (that day included) are fraud; (3) each day 3 random customers are
 *   compromised and, over the next 14 days, a third (rounded down) of their transactions have their amount
 *   multiplied by 5 and are fraud. Later scenarios relabel a transaction an earlier one marked.
 *
 * Everything comes from one seeded generator: the same options give the same transactions.
 */
export interface SimulationOptions {
  customers: number;
  terminals: number;
  days: number;
  /** first day, UTC midnight (the handbook's 2018-04-01) */
  startDate: string;
  seed: number;
  radius: number;
}

export const REFERENCE_OPTIONS: SimulationOptions = {
  customers: 5000,
  terminals: 10000,
  days: 183,
  startDate: '2018-04-01',
  seed: 1,
  radius: 5,
};

export const FRAUD_RULES = {
  amountThreshold: 220,
  compromisedTerminalsPerDay: 2,
  terminalCompromiseDays: 28,
  compromisedCustomersPerDay: 3,
  customerCompromiseDays: 14,
  customerAmountFactor: 5,
} as const;

/** Transactions sorted by time (ties by generation order); index i is transaction id i. */
export interface Simulation {
  readonly options: SimulationOptions;
  readonly startMs: number;
  readonly count: number;
  /** seconds since startDate 00:00 UTC */
  readonly timeSeconds: Int32Array;
  readonly customer: Int32Array;
  readonly terminal: Int32Array;
  /** amount in cents (the simulator's currency has two decimals) */
  readonly amountCents: Int32Array;
  readonly fraud: Uint8Array;
  /** 0 genuine, 1/2/3 the fraud scenario */
  readonly scenario: Uint8Array;
}

export type SimulationProgress = (phase: string, done: number, total: number) => void;

const SECONDS_PER_DAY = 86_400;

export function startMsOf(startDate: string): number {
  const ms = Date.parse(`${startDate}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`not a date (YYYY-MM-DD): ${startDate}`);
  return ms;
}

export function simulate(options: SimulationOptions, progress: SimulationProgress = () => {}): Simulation {
  const startMs = startMsOf(options.startDate);
  const rng = new Random(options.seed);
  const { customers, terminals, days, radius } = options;

  const cx = new Float64Array(customers);
  const cy = new Float64Array(customers);
  const meanAmount = new Float64Array(customers);
  const stdAmount = new Float64Array(customers);
  const meanPerDay = new Float64Array(customers);
  for (let c = 0; c < customers; c++) {
    cx[c] = rng.uniform(0, 100);
    cy[c] = rng.uniform(0, 100);
    meanAmount[c] = rng.uniform(5, 100);
    stdAmount[c] = (meanAmount[c] as number) / 2;
    meanPerDay[c] = rng.uniform(0, 4);
  }
  const tx = new Float64Array(terminals);
  const ty = new Float64Array(terminals);
  for (let t = 0; t < terminals; t++) {
    tx[t] = rng.uniform(0, 100);
    ty[t] = rng.uniform(0, 100);
  }

  // Generation, customer by customer, into growable columns.
  let capacity = Math.max(1024, Math.ceil(customers * days * 2.1));
  let time = new Int32Array(capacity);
  let cust = new Int32Array(capacity);
  let term = new Int32Array(capacity);
  let cents = new Int32Array(capacity);
  let n = 0;
  const grow = (): void => {
    capacity *= 2;
    const resize = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    time = resize(time);
    cust = resize(cust);
    term = resize(term);
    cents = resize(cents);
  };
  const available: number[] = [];
  const r2 = radius * radius;
  for (let c = 0; c < customers; c++) {
    if (c % 250 === 0) progress('transactions', c, customers);
    available.length = 0;
    const x = cx[c] as number;
    const y = cy[c] as number;
    for (let t = 0; t < terminals; t++) {
      const dx = (tx[t] as number) - x;
      const dy = (ty[t] as number) - y;
      if (dx * dx + dy * dy < r2) available.push(t);
    }
    const mean = meanAmount[c] as number;
    const std = stdAmount[c] as number;
    const perDay = meanPerDay[c] as number;
    for (let day = 0; day < days; day++) {
      const k = rng.poisson(perDay);
      for (let j = 0; j < k; j++) {
        const timeOfDay = Math.trunc(rng.normal(SECONDS_PER_DAY / 2, 20000));
        if (timeOfDay <= 0 || timeOfDay >= SECONDS_PER_DAY) continue;
        let amount = rng.normal(mean, std);
        if (amount < 0) amount = rng.uniform(0, 2 * mean);
        const amountCents = Math.round(amount * 100);
        if (available.length === 0) continue;
        const terminal = available[rng.int(available.length)] as number;
        if (n === capacity) grow();
        time[n] = day * SECONDS_PER_DAY + timeOfDay;
        cust[n] = c;
        term[n] = terminal;
        cents[n] = amountCents;
        n++;
      }
    }
  }
  progress('transactions', customers, customers);

  // Sort by time, ties in generation order: one numeric key per transaction.
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const timeBits = Math.ceil(Math.log2(days * SECONDS_PER_DAY + 1));
  if (indexBits + timeBits > 53) throw new Error(`too many transactions to sort: ${n}`);
  const scale = 2 ** indexBits;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (time[i] as number) * scale + i;
  keys.sort();
  const sim = {
    options: { ...options },
    startMs,
    count: n,
    timeSeconds: new Int32Array(n),
    customer: new Int32Array(n),
    terminal: new Int32Array(n),
    amountCents: new Int32Array(n),
    fraud: new Uint8Array(n),
    scenario: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const from = (keys[i] as number) % scale;
    sim.timeSeconds[i] = time[from] as number;
    sim.customer[i] = cust[from] as number;
    sim.terminal[i] = term[from] as number;
    sim.amountCents[i] = cents[from] as number;
  }
  progress('fraud scenarios', 0, 3);
  addFrauds(sim, rng);
  progress('fraud scenarios', 3, 3);
  return sim;
}

function dayOf(sim: Simulation, i: number): number {
  return Math.floor((sim.timeSeconds[i] as number) / SECONDS_PER_DAY);
}

/** Transaction indices per key, in time order (CSR layout). */
function groupBy(keys: Int32Array, keyCount: number): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) {
    const k = (keys[i] as number) + 1;
    start[k] = (start[k] as number) + 1;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number);
  const fill = start.slice(0, keyCount);
  const items = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as number;
    items[fill[k] as number] = i;
    fill[k] = (fill[k] as number) + 1;
  }
  return { start, items };
}

function addFrauds(sim: Simulation, rng: Random): void {
  const { days, terminals, customers } = sim.options;
  const threshold = FRAUD_RULES.amountThreshold * 100;
  for (let i = 0; i < sim.count; i++) {
    if ((sim.amountCents[i] as number) > threshold) {
      sim.fraud[i] = 1;
      sim.scenario[i] = 1;
    }
  }

  const byTerminal = groupBy(sim.terminal, terminals);
  for (let day = 0; day < days; day++) {
    for (const t of rng.sample(terminals, FRAUD_RULES.compromisedTerminalsPerDay)) {
      for (let p = byTerminal.start[t] as number; p < (byTerminal.start[t + 1] as number); p++) {
        const i = byTerminal.items[p] as number;
        const d = dayOf(sim, i);
        if (d >= day && d < day + FRAUD_RULES.terminalCompromiseDays) {
          sim.fraud[i] = 1;
          sim.scenario[i] = 2;
        }
      }
    }
  }

  const byCustomer = groupBy(sim.customer, customers);
  for (let day = 0; day < days; day++) {
    const group: number[] = [];
    for (const c of rng.sample(customers, FRAUD_RULES.compromisedCustomersPerDay)) {
      for (let p = byCustomer.start[c] as number; p < (byCustomer.start[c + 1] as number); p++) {
        const i = byCustomer.items[p] as number;
        const d = dayOf(sim, i);
        if (d >= day && d < day + FRAUD_RULES.customerCompromiseDays) group.push(i);
      }
    }
    for (const g of rng.sample(group.length, Math.floor(group.length / 3))) {
      const i = group[g] as number;
      sim.amountCents[i] = (sim.amountCents[i] as number) * FRAUD_RULES.customerAmountFactor;
      sim.fraud[i] = 1;
      sim.scenario[i] = 3;
    }
  }
}

export interface SimulationStats {
  transactions: number;
  frauds: number;
  fraudRate: number;
  byScenario: { 1: number; 2: number; 3: number };
  compromisedCards: number;
  meanAmount: number;
  transactionsPerDay: number;
}

export function simulationStats(sim: Simulation): SimulationStats {
  const byScenario = { 1: 0, 2: 0, 3: 0 };
  const cards = new Set<number>();
  let frauds = 0;
  let cents = 0;
  for (let i = 0; i < sim.count; i++) {
    cents += sim.amountCents[i] as number;
    if (sim.fraud[i] === 1) {
      frauds++;
      cards.add(sim.customer[i] as number);
      byScenario[sim.scenario[i] as 1 | 2 | 3]++;
    }
  }
  return {
    transactions: sim.count,
    frauds,
    fraudRate: sim.count > 0 ? frauds / sim.count : 0,
    byScenario,
    compromisedCards: cards.size,
    meanAmount: sim.count > 0 ? cents / 100 / sim.count : 0,
    transactionsPerDay: sim.count / sim.options.days,
  };
}
