import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recommendThresholds } from '../../models/evaluation/costs';
import { promoteShadowModel, writeEnvironmentThresholds } from '../../models/evaluation/environment-config';

/** 1,000 payments over 10 days: genuine ones score low, frauds high, a few of each in between. */
function heldOut() {
  const scores: number[] = [];
  const labels: number[] = [];
  const amounts: number[] = [];
  const add = (score: number, fraud: boolean, amount: number, n: number) => {
    for (let k = 0; k < n; k++) {
      scores.push(score);
      labels.push(fraud ? 1 : 0);
      amounts.push(amount);
    }
  };
  add(2, false, 50, 900);
  add(30, false, 50, 40);
  add(30, true, 100, 10);
  add(70, false, 50, 10);
  add(70, true, 200, 20);
  add(97, true, 300, 20);
  return { scores, labels, amounts, days: 10 };
}

describe('thresholds from cost', () => {
  it('reviews what is worth a review, declines only what is surely fraud, within the capacity', () => {
    const costs = { missedFraudPerUnit: 1, review: 3, falseDecline: 20 };
    const { best } = recommendThresholds(heldOut(), costs, 100);
    // a day: 4 + 1 reviews at score 30 (cheaper than 1 x 100 missed), 1 + 2 at 70, 2 frauds at 97
    expect(best.review).toBeLessThanOrEqual(30);
    expect(best.review).toBeGreaterThan(2);
    expect(best.decline).toBeGreaterThan(70);
    expect(best.decline).toBeLessThanOrEqual(97);
    expect(best.falseDeclinesPerDay).toBe(0);
    expect(best.reviewsPerDay).toBeCloseTo(8, 9);
    expect(best.missedFraudPerDay).toBe(0);
    expect(best.costPerDay).toBeCloseTo(24, 9);
    expect(best.review).toBeLessThan(best.hold);
    expect(best.hold).toBeLessThan(best.decline);
  });

  it('with a small review capacity, reviews only the riskiest band and lets the rest through', () => {
    const { best } = recommendThresholds(
      heldOut(),
      { missedFraudPerUnit: 1, review: 3, falseDecline: 50 },
      3,
    );
    // declining everything from score 30 would cost 5 false declines a day (250): more than missing 100
    expect(best.reviewsPerDay).toBeLessThanOrEqual(3);
    expect(best.falseDeclinesPerDay).toBe(0);
    expect(best.review).toBeGreaterThan(30);
    expect(best.missedFraudPerDay).toBeCloseTo(100, 9); // the score-30 frauds: 1 a day of 100
    expect(best.costPerDay).toBeCloseTo(109, 9);
  });

  it('writes the recommendation into an environment config file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rampay-env-'));
    try {
      const file = path.join(dir, 'dev.ts');
      await copyFile(path.resolve(__dirname, '../../lib/infra/config/environments/dev.ts'), file);
      const { best } = recommendThresholds(
        heldOut(),
        { missedFraudPerUnit: 1, review: 3, falseDecline: 20 },
        100,
      );
      await writeEnvironmentThresholds(file, best);
      expect(await readFile(file, 'utf8')).toContain(
        `fraud: { thresholds: { review: ${best.review}, hold: ${best.hold}, decline: ${best.decline} } }`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('promotes the shadow model to active in an environment config file, keeping the thresholds', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rampay-env-'));
    try {
      const file = path.join(dir, 'prod.ts');
      await writeFile(
        file,
        "export const x = {\n  fraud: { thresholds: { review: 65, hold: 85, decline: 97 }, model: 'hgb-old', shadowModel: 'hgb-new' },\n};\n",
      );
      expect(await promoteShadowModel(file)).toBe('hgb-new');
      expect(await readFile(file, 'utf8')).toContain(
        "fraud: { thresholds: { review: 65, hold: 85, decline: 97 }, model: 'hgb-new' },",
      );
      await expect(promoteShadowModel(file)).rejects.toThrow(/no shadowModel/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
