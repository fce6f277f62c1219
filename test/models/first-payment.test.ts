import fc from 'fast-check';
import { computeFeatures, emptyBucket, FEATURE_COUNT, type Bucket } from '../../functions/fraud/features';
import { asFirstPayment, withFirstPaymentViews } from '../../models/features/first-payment';
import type { FeatureTable } from '../../models/features/export';

const bucket = fc
  .record({
    count: fc.integer({ min: 0, max: 500 }),
    amountMilli: fc.integer({ min: 0, max: 10 ** 9 }),
    fraudCount: fc.integer({ min: 0, max: 500 }),
  })
  .map((b): Bucket => ({ ...b, fraudCount: Math.min(b.fraudCount, b.count) }));

describe('first-payment views', () => {
  it("equal the features of the same payment on a card with no history (amounts from a hundredth, the ratios' floor)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: 10, max: 10 ** 9 }),
        fc.constantFrom(1, 0.357, 162.5, 1.08),
        fc.array(bucket, { minLength: 3, maxLength: 3 }),
        fc.array(bucket, { minLength: 3, maxLength: 3 }),
        fc.record({ frauds: fc.nat(40), age: fc.integer({ min: 169, max: 888 }) }),
        (atMs, amountMilli, unitsPerReference, card, terminal, run) => {
          const tx = { atMs, amountMilli, unitsPerReference };
          const terminalRun =
            run.frauds === 0
              ? { frauds: 0 }
              : { frauds: run.frauds, firstHour: Math.floor(atMs / 3_600_000) - run.age };
          const seen = computeFeatures(tx, card, terminal, terminalRun);
          const view = new Float64Array(FEATURE_COUNT);
          asFirstPayment(seen, 0, view, 0);
          const fresh = computeFeatures(
            tx,
            [emptyBucket(), emptyBucket(), emptyBucket()],
            terminal,
            terminalRun,
          );
          expect(Array.from(view)).toEqual(Array.from(fresh));
        },
      ),
    );
  });

  it('are appended for about the share of the rows picked, with their labels, days and cards, the same every time', () => {
    const rows = 20_000;
    const table: FeatureTable = {
      rows,
      values: Float64Array.from({ length: rows * FEATURE_COUNT }, (_, i) => (i % 97) + 2),
      labels: Uint8Array.from({ length: rows }, (_, r) => (r % 50 === 0 ? 1 : 0)),
      day: Int32Array.from({ length: rows }, (_, r) => Math.floor(r / 1000)),
      customer: Int32Array.from({ length: rows }, (_, r) => r % 700),
    };
    const out = withFirstPaymentViews(table, [2, 10], 0.1);
    expect(Array.from(out.values.subarray(0, rows * FEATURE_COUNT))).toEqual(Array.from(table.values));
    const views = out.rows - rows;
    expect(views).toBeGreaterThan(650);
    expect(views).toBeLessThan(950);
    const rowsOf = new Map<string, number[]>();
    for (let r = 0; r < rows; r++) {
      const key = `${table.customer[r]}:${table.day[r]}`;
      rowsOf.set(key, [...(rowsOf.get(key) ?? []), r]);
    }
    for (let k = rows; k < out.rows; k++) {
      expect(out.day[k]).toBeGreaterThanOrEqual(2);
      expect(out.day[k]).toBeLessThan(10);
      const view = out.values.subarray(k * FEATURE_COUNT, (k + 1) * FEATURE_COUNT);
      // some payment of the same card on the same day, with this label and amount, is the view's source
      const sources = rowsOf.get(`${out.customer[k]}:${out.day[k]}`) ?? [];
      expect(
        sources.some((r) => table.labels[r] === out.labels[k] && table.values[r * FEATURE_COUNT] === view[0]),
      ).toBe(true);
    }
    expect(withFirstPaymentViews(table, [2, 10], 0.1)).toEqual(out);
  });
});
