import {
  amountMilliFromMajor,
  amountMilliFromMinor,
  BUCKET_RETENTION_DAYS,
  bucketDaysRead,
  cardWindow,
  dayIndex,
  FEATURE_NAMES,
  featuresFromHistory,
  instantMs,
  isNight,
  isWeekend,
  namedFeatures,
  terminalWindow,
  type HistoryTransaction,
} from '../../../../functions/fraud/features';
import type { CurrencyCode } from '../../../../functions/domain/money';
import { exportFeatures } from '../../../../models/features/export';
import { REFERENCE_OPTIONS, simulate } from '../../../../models/simulator/simulate';

const DAY = 86_400_000;
// Wednesday 2018-06-13 15:00 UTC
const NOW = Date.parse('2018-06-13T15:00:00Z');
const daysAgo = (n: number, at = '10:00:00'): number =>
  Date.parse(`${new Date(NOW - n * DAY).toISOString().slice(0, 10)}T${at}Z`);
const tx = (atMs: number, amount: number, fraud = false): HistoryTransaction => ({
  atMs,
  amountMilli: amountMilliFromMajor(amount),
  fraud,
});

describe('feature clock (UTC)', () => {
  it('draws the night at hour <= 6 UTC', () => {
    expect(isNight(Date.parse('2018-06-13T00:00:00Z'))).toBe(true);
    expect(isNight(Date.parse('2018-06-13T06:59:59.999Z'))).toBe(true);
    expect(isNight(Date.parse('2018-06-13T07:00:00Z'))).toBe(false);
    expect(isNight(Date.parse('2018-06-13T23:59:59Z'))).toBe(false);
  });

  it('has the weekend from Saturday 00:00 to Sunday 23:59:59.999 UTC', () => {
    expect(isWeekend(Date.parse('2018-06-15T23:59:59.999Z'))).toBe(false); // Friday
    expect(isWeekend(Date.parse('2018-06-16T00:00:00Z'))).toBe(true); // Saturday
    expect(isWeekend(Date.parse('2018-06-17T23:59:59.999Z'))).toBe(true); // Sunday
    expect(isWeekend(Date.parse('2018-06-18T00:00:00Z'))).toBe(false); // Monday
    expect(isWeekend(Date.parse('1969-12-27T12:00:00Z'))).toBe(true); // a Saturday before the epoch
  });

  it('reads a timestamp with an offset by its instant, in UTC', () => {
    // Saturday 01:30 in UTC+2 is Friday 23:30 UTC: neither weekend nor night for the features
    const at = instantMs('2018-06-16T01:30:00+02:00');
    expect(at).toBe(Date.parse('2018-06-15T23:30:00Z'));
    expect(isWeekend(at)).toBe(false);
    expect(isNight(at)).toBe(false);
    expect(dayIndex(at)).toBe(dayIndex(Date.parse('2018-06-15T00:00:00Z')));
    expect(() => instantMs('2018-06-16T01:30:00')).toThrow(/zone/);
  });
});

describe('amount feature', () => {
  it('is the amount in major units of the payment currency, summed in integer thousandths', () => {
    expect(amountMilliFromMinor(1234, 'USD' as CurrencyCode)).toBe(12_340);
    expect(amountMilliFromMinor(1234, 'JPY' as CurrencyCode)).toBe(1_234_000);
    expect(amountMilliFromMinor(1234, 'KWD' as CurrencyCode)).toBe(1234);
    expect(amountMilliFromMajor(12.34)).toBe(12_340);
    expect(amountMilliFromMajor(0.29)).toBe(290); // 0.29 * 100 is 28.999999999999996
    const f = namedFeatures(
      featuresFromHistory(
        { atMs: NOW, amountMilli: amountMilliFromMinor(1234, 'KWD' as CurrencyCode) },
        [],
        [],
      ),
    );
    expect(f.amount).toBe(1.234);
    expect(() => amountMilliFromMinor(12.5, 'USD' as CurrencyCode)).toThrow();
  });
});

describe('window arithmetic', () => {
  it('defines card windows up to today and terminal windows ending 8 days back', () => {
    expect(cardWindow(100, 1)).toEqual({ from: 100, to: 100 });
    expect(cardWindow(100, 30)).toEqual({ from: 71, to: 100 });
    expect(terminalWindow(100, 1)).toEqual({ from: 92, to: 92 });
    expect(terminalWindow(100, 7)).toEqual({ from: 86, to: 92 });
    expect(terminalWindow(100, 30)).toEqual({ from: 63, to: 92 });
    expect(BUCKET_RETENTION_DAYS).toBe(38); // day d-37 is the oldest bucket read
    expect(bucketDaysRead(100)).toEqual({ from: 63, to: 100 });
  });
});

describe('features from a hand-built history', () => {
  it('counts and averages the card windows including the current transaction', () => {
    const card = [
      tx(daysAgo(0, '09:00:00'), 10), // today, earlier
      tx(daysAgo(1, '16:00:00'), 20), // yesterday: outside the 1-day (calendar day) window
      tx(daysAgo(6), 30), // in 7d
      tx(daysAgo(7), 40), // not in 7d, in 30d
      tx(daysAgo(29), 50), // in 30d
      tx(daysAgo(30), 60), // outside 30d
      tx(NOW + 1000, 999), // later than the current transaction: ignored
    ];
    const f = namedFeatures(
      featuresFromHistory({ atMs: NOW, amountMilli: amountMilliFromMajor(100) }, card, []),
    );
    expect(f.amount).toBe(100);
    expect(f.card_tx_count_1d).toBe(2);
    expect(f.card_avg_amount_1d).toBeCloseTo(55, 10);
    expect(f.card_tx_count_7d).toBe(4);
    expect(f.card_avg_amount_7d).toBeCloseTo(40, 10);
    expect(f.card_tx_count_30d).toBe(6);
    expect(f.card_avg_amount_30d).toBeCloseTo(250 / 6, 10);
    expect(f.amount_to_card_avg_1d).toBeCloseTo(10, 10);
    expect(f.amount_to_card_avg_7d).toBeCloseTo(100 / 20, 10);
    expect(f.amount_to_card_avg_30d).toBeCloseTo(100 / 30, 10);
  });

  it('reads terminal labels only once they are at least 7 days old (days d-37 .. d-8)', () => {
    const terminal = [
      tx(daysAgo(0), 10, true), // today: never
      tx(daysAgo(7, '00:00:01'), 10, true), // 7 days and 15 hours ago but on day d-7: not yet
      tx(daysAgo(8, '23:59:59'), 10, true), // day d-8: in all three windows
      tx(daysAgo(8), 10, false),
      tx(daysAgo(14), 10, false), // in 7d and 30d
      tx(daysAgo(15), 10, true), // in 30d only
      tx(daysAgo(37), 10, false), // in 30d (its first day)
      tx(daysAgo(38), 10, true), // outside
    ];
    const f = namedFeatures(featuresFromHistory({ atMs: NOW, amountMilli: 5000 }, [], terminal));
    expect(f.terminal_tx_count_1d).toBe(2);
    expect(f.terminal_risk_1d).toBe(0.5);
    expect(f.terminal_tx_count_7d).toBe(3);
    expect(f.terminal_risk_7d).toBeCloseTo(1 / 3, 12);
    expect(f.terminal_tx_count_30d).toBe(5);
    expect(f.terminal_risk_30d).toBeCloseTo(2 / 5, 12);
  });

  it('gives a first transaction neutral values', () => {
    const values = featuresFromHistory(
      { atMs: Date.parse('2018-06-16T03:00:00Z'), amountMilli: 42_000 },
      [],
      [],
    );
    expect(values).toHaveLength(FEATURE_NAMES.length);
    expect(namedFeatures(values)).toEqual({
      amount: 42,
      weekend: 1,
      night: 1,
      card_tx_count_1d: 1,
      card_avg_amount_1d: 42,
      card_tx_count_7d: 1,
      card_avg_amount_7d: 42,
      card_tx_count_30d: 1,
      card_avg_amount_30d: 42,
      terminal_tx_count_1d: 0,
      terminal_risk_1d: 0,
      terminal_tx_count_7d: 0,
      terminal_risk_7d: 0,
      terminal_tx_count_30d: 0,
      terminal_risk_30d: 0,
      amount_to_card_avg_1d: 1,
      amount_to_card_avg_7d: 1,
      amount_to_card_avg_30d: 1,
    });
  });
});

describe('offline export', () => {
  it('equals the history path for every transaction of a small simulation', () => {
    const sim = simulate({ ...REFERENCE_OPTIONS, customers: 120, terminals: 150, days: 60, seed: 5 });
    const table = exportFeatures(sim);
    const byCard = new Map<number, HistoryTransaction[]>();
    const byTerminal = new Map<number, HistoryTransaction[]>();
    let compared = 0;
    let fraudRisk = 0;
    for (let i = 0; i < sim.count; i++) {
      const h: HistoryTransaction = {
        atMs: sim.startMs + (sim.timeSeconds[i] as number) * 1000,
        amountMilli: amountMilliFromMajor((sim.amountCents[i] as number) / 100),
        fraud: sim.fraud[i] === 1,
      };
      const c = sim.customer[i] as number;
      const t = sim.terminal[i] as number;
      const card = byCard.get(c) ?? [];
      const terminal = byTerminal.get(t) ?? [];
      if (i % 7 === 0) {
        const expected = featuresFromHistory(h, card, terminal);
        const got = table.values.subarray(i * FEATURE_NAMES.length, (i + 1) * FEATURE_NAMES.length);
        // same second, same card: the export counts the earlier row, the history path cannot order them
        if (!card.some((x) => x.atMs === h.atMs)) {
          expect(Array.from(got)).toEqual(Array.from(expected));
          compared++;
          if ((expected[14] as number) > 0) fraudRisk++;
        }
      }
      card.push(h);
      terminal.push(h);
      byCard.set(c, card);
      byTerminal.set(t, terminal);
    }
    expect(compared).toBeGreaterThan(1000);
    expect(fraudRisk).toBeGreaterThan(10);
  });
});
