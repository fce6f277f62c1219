import {
  bucketBounds,
  bucketOf,
  bucketValue,
  LAST_BUCKET,
  mergeHistograms,
  quantile,
  RELATIVE_ERROR,
} from '../../../functions/analytics/histogram';
import { coveringRanges } from '../../../functions/analytics/ranges';
import { GRAIN_MS } from '../../../functions/analytics/rollup';

function exactQuantile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

describe('latency histogram', () => {
  it('puts every latency in the bucket whose bounds hold it', () => {
    for (const ms of [0, 0.5, 1, 1.09, 2, 3, 50, 999, 1000, 1001, 65_000, 3_600_000]) {
      const [lo, hi] = bucketBounds(bucketOf(ms));
      expect(ms).toBeGreaterThanOrEqual(lo);
      expect(ms).toBeLessThan(hi);
    }
    expect(bucketOf(30 * 86_400_000)).toBe(LAST_BUCKET);
  });

  it('reads percentiles within the bucket error of the exact ones, also after merging per-minute histograms', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    // Log-normal-ish latencies from a few ms to minutes, spread over 60 "minutes".
    const samples = Array.from({ length: 5000 }, () => Math.round(Math.exp(2 + random() * 9)));
    const minutes = Array.from({ length: 60 }, () => new Map<number, number>());
    samples.forEach((ms, i) => {
      const h = minutes[i % 60]!;
      h.set(bucketOf(ms), (h.get(bucketOf(ms)) ?? 0) + 1);
    });
    const merged = mergeHistograms(minutes);
    const sorted = [...samples].sort((a, b) => a - b);
    for (const p of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, p);
      const estimate = quantile(merged, p)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-12);
    }
    expect(RELATIVE_ERROR).toBeLessThan(0.045);
    expect(quantile(new Map(), 0.5)).toBeUndefined();
    expect(bucketValue(bucketOf(0))).toBe(0);
  });
});

describe('covering a range with rollup rows', () => {
  it('covers every minute of the range exactly once, with the fewest rows', () => {
    let seed = 99;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const base = Date.parse('2026-10-01T00:00:00Z');
    for (let i = 0; i < 200; i++) {
      const a = base + Math.floor(random() * 40 * 1440) * 60_000;
      const b = a + Math.floor(1 + random() * (random() < 0.3 ? 180 : 40 * 1440)) * 60_000;
      const ranges = coveringRanges(new Date(a), new Date(b));
      const covered: number[] = [];
      for (const r of ranges) {
        expect(r.from.getTime() % GRAIN_MS[r.grain]).toBe(0);
        for (let t = r.from.getTime(); t < r.to.getTime(); t += GRAIN_MS[r.grain]) {
          for (let m = t; m < t + GRAIN_MS[r.grain]; m += 60_000) covered.push(m);
        }
      }
      covered.sort((x, y) => x - y);
      expect(covered.length).toBe((b - a) / 60_000);
      expect(covered[0]).toBe(a);
      expect(covered[covered.length - 1]).toBe(b - 60_000);
      expect(new Set(covered).size).toBe(covered.length);
      const rows = ranges.reduce((n, r) => n + (r.to.getTime() - r.from.getTime()) / GRAIN_MS[r.grain], 0);
      expect(rows).toBeLessThanOrEqual(Math.ceil((b - a) / 86_400_000) + 2 * 23 + 2 * 59);
    }
  });
});
