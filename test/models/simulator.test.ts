import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSimulation, writeSimulation } from '../../models/simulator/files';
import { REFERENCE_OPTIONS, simulate, simulationStats, FRAUD_RULES } from '../../models/simulator/simulate';

const small = { ...REFERENCE_OPTIONS, customers: 300, terminals: 600, days: 40, seed: 11 };

describe('transaction simulator', () => {
  it('gives the same transactions for the same seed and different ones for another', () => {
    const a = simulate(small);
    const b = simulate(small);
    const c = simulate({ ...small, seed: 12 });
    expect(a.count).toBeGreaterThan(10_000);
    expect(b.count).toBe(a.count);
    for (const column of [
      'timeSeconds',
      'customer',
      'terminal',
      'amountCents',
      'fraud',
      'scenario',
    ] as const) {
      expect(Buffer.from(b[column].buffer).equals(Buffer.from(a[column].buffer))).toBe(true);
    }
    expect(Buffer.from(c.amountCents.buffer).equals(Buffer.from(a.amountCents.buffer))).toBe(false);
  });

  it('matches the handbook reference statistics for seed 1 at the reference size', () => {
    // The handbook reports 1,754,155 transactions and 14,681 frauds (0.84%) for its reference run.
    const sim = simulate(REFERENCE_OPTIONS);
    const s = simulationStats(sim);
    expect(s.transactions).toBeGreaterThan(1_754_155 * 0.98);
    expect(s.transactions).toBeLessThan(1_754_155 * 1.02);
    expect(s.fraudRate).toBeGreaterThan(0.0075);
    expect(s.fraudRate).toBeLessThan(0.0095);
    // per scenario, within 20% of the handbook's 973 / 9,077 / 4,631
    expect(s.byScenario[1]).toBeGreaterThan(973 * 0.8);
    expect(s.byScenario[1]).toBeLessThan(973 * 1.2);
    expect(s.byScenario[2]).toBeGreaterThan(9077 * 0.8);
    expect(s.byScenario[2]).toBeLessThan(9077 * 1.2);
    expect(s.byScenario[3]).toBeGreaterThan(4631 * 0.8);
    expect(s.byScenario[3]).toBeLessThan(4631 * 1.2);
    expect(s.meanAmount).toBeGreaterThan(50);
    expect(s.meanAmount).toBeLessThan(60);
  });

  it('follows the generation and fraud rules transaction by transaction', () => {
    const sim = simulate(small);
    const broken: string[] = [];
    const scenario3CardsByDay = new Map<number, Set<number>>();
    let previous = -1;
    for (let i = 0; i < sim.count; i++) {
      const t = sim.timeSeconds[i] as number;
      const cents = sim.amountCents[i] as number;
      const scenario = sim.scenario[i] as number;
      if (t < previous) broken.push(`${i}: out of time order`);
      previous = t;
      if (t % 86_400 === 0) broken.push(`${i}: at midnight (outside the day)`);
      if (cents < 0) broken.push(`${i}: negative amount`);
      if (sim.fraud[i] !== (scenario > 0 ? 1 : 0)) broken.push(`${i}: label and scenario disagree`);
      // every amount over 220 is fraud (scenario 1, or a later scenario relabelled it)
      if (scenario === 0 && cents > FRAUD_RULES.amountThreshold * 100) broken.push(`${i}: genuine over 220`);
      if (scenario === 1 && cents <= FRAUD_RULES.amountThreshold * 100)
        broken.push(`${i}: scenario 1 under 220`);
      if (scenario === 3) {
        if (cents % FRAUD_RULES.customerAmountFactor !== 0)
          broken.push(`${i}: scenario 3 amount not a multiple`);
        const day = Math.floor(t / 86_400);
        const cards = scenario3CardsByDay.get(day) ?? new Set<number>();
        cards.add(sim.customer[i] as number);
        scenario3CardsByDay.set(day, cards);
      }
    }
    expect(broken.slice(0, 5)).toEqual([]);
    const s = simulationStats(sim);
    expect(s.byScenario[2]).toBeGreaterThan(0);
    expect(s.byScenario[3]).toBeGreaterThan(0);
    // 3 cards compromised a day, each for 14 days: never more than 42 with scenario-3 frauds on one day
    for (const cards of scenario3CardsByDay.values()) expect(cards.size).toBeLessThanOrEqual(42);
  });

  it('writes and reads back the same transactions as CSV', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rampay-sim-'));
    try {
      const sim = simulate({ ...small, customers: 50, terminals: 100, days: 10 });
      await writeSimulation(dir, sim);
      const back = await readSimulation(dir);
      expect(back.count).toBe(sim.count);
      expect(Array.from(back.amountCents)).toEqual(Array.from(sim.amountCents));
      expect(Array.from(back.timeSeconds)).toEqual(Array.from(sim.timeSeconds));
      expect(Array.from(back.scenario)).toEqual(Array.from(sim.scenario));
      expect(back.options).toEqual(sim.options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
