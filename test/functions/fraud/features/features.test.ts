import {
  amountMilliFromMajor,
  amountMilliFromMinor,
  BUCKET_RETENTION_HOURS,
  bucketHoursRead,
  cardWindow,
  dayIndex,
  hourIndex,
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
        { atMs: NOW, amountMilli: amountMilliFromMinor(1234, 'KWD' as CurrencyCode), unitsPerReference: 1 },
        [],
        [],
      ),
    );
    expect(f.amount).toBe(1.234);
    expect(() => amountMilliFromMinor(12.5, 'USD' as CurrencyCode)).toThrow();
  });
});

describe('window arithmetic', () => {
  it('defines card windows up to this hour and terminal windows ending 7 days and one hour back', () => {
    expect(cardWindow(1000, 1)).toEqual({ from: 977, to: 1000 });
    expect(cardWindow(1000, 30)).toEqual({ from: 281, to: 1000 });
    expect(terminalWindow(1000, 1)).toEqual({ from: 808, to: 831 });
    expect(terminalWindow(1000, 7)).toEqual({ from: 664, to: 831 });
    expect(terminalWindow(1000, 30)).toEqual({ from: 112, to: 831 });
    expect(BUCKET_RETENTION_HOURS).toBe(889); // hour H-888 is the oldest bucket read
    expect(bucketHoursRead(1000)).toEqual({ from: 112, to: 1000 });
    expect(hourIndex(Date.parse('1970-01-02T01:59:59.999Z'))).toBe(25);
  });
});

describe('features from a hand-built history', () => {
  // 15:30 UTC: the current hour bucket started 30 minutes ago
  const AT = NOW + 30 * 60_000;
  const HOUR = 3_600_000;
  const MINUTE = 60_000;

  it('counts and averages the card windows (the last 24n hours, to the hour) including the current one', () => {
    const card = [
      tx(AT - 20 * MINUTE, 10), // this hour, earlier
      tx(AT - 23 * HOUR - 20 * MINUTE, 20), // yesterday 16:10, hour H-23: in 1d
      tx(AT - 24 * HOUR - 20 * MINUTE, 30), // yesterday 15:10, hour H-24: not in 1d, in 7d
      tx(AT - 6 * DAY, 40), // in 7d
      tx(AT - 7 * DAY - HOUR, 50), // not in 7d, in 30d
      tx(AT - 29 * DAY, 60), // in 30d
      tx(AT - 30 * DAY - HOUR, 70), // outside 30d
      tx(AT + 1000, 999), // later than the current transaction: ignored
    ];
    const f = namedFeatures(
      featuresFromHistory(
        { atMs: AT, amountMilli: amountMilliFromMajor(100), unitsPerReference: 1 },
        card,
        [],
      ),
    );
    expect(f.amount).toBe(100);
    expect(f.card_tx_count_1d).toBe(3);
    expect(f.card_avg_amount_1d).toBeCloseTo(130 / 3, 10);
    expect(f.card_tx_count_7d).toBe(5);
    expect(f.card_avg_amount_7d).toBeCloseTo(40, 10);
    expect(f.card_tx_count_30d).toBe(7);
    expect(f.card_avg_amount_30d).toBeCloseTo(310 / 7, 10);
    expect(f.amount_to_card_avg_1d).toBeCloseTo(100 / 15, 10);
    expect(f.amount_to_card_avg_7d).toBeCloseTo(100 / 25, 10);
    expect(f.amount_to_card_avg_30d).toBeCloseTo(100 / 35, 10);
    expect(f.card_avg_1d_to_30d).toBeCloseTo(130 / 3 / (310 / 7), 10);
    expect(f.card_avg_7d_to_30d).toBeCloseTo(40 / (310 / 7), 10);
  });

  it("counts the terminal's latest run of confirmed frauds among the labels at least 7 days old", () => {
    const at = (hoursBack: number, fraud: boolean, minutes = 10) =>
      tx(AT - 30 * MINUTE - hoursBack * HOUR + minutes * MINUTE, 10, fraud);
    const run = (terminal: HistoryTransaction[]) => {
      const f = namedFeatures(
        featuresFromHistory({ atMs: AT, amountMilli: 5000, unitsPerReference: 1 }, [], terminal),
      );
      return [f.terminal_fraud_run, f.terminal_fraud_run_hours];
    };
    const compromised = [
      at(400, true), // an older fraud, before a genuine payment: not in the run
      at(300, false), // the last genuine payment the windows read
      at(250, true),
      at(250, true, 40), // two frauds in hour H-250: the run starts there
      at(200, true),
      at(169, true), // hour H-169, the last one read
      at(168, false), // hour H-168 is never read, genuine or not
      at(2, true),
    ];
    expect(run(compromised)).toEqual([4, 250]);
    // A genuine payment in the run's last hour ends it; one in the middle keeps only the frauds after it.
    expect(run([...compromised, at(169, false, 20)])).toEqual([0, 0]);
    expect(run([...compromised, at(200, false, 20)])).toEqual([1, 169]);
    // A run longer than the window is cut at the window's first hour, H-888.
    const long = [at(900, true), at(888, true), at(500, true), at(170, true)];
    expect(run(long)).toEqual([3, 888]);
    expect(run([])).toEqual([0, 0]);
  });

  it('reads terminal labels only once they are at least 7 days old (hours H-888 .. H-169)', () => {
    const terminal = [
      tx(AT, 10, true), // now: never
      tx(AT - 7 * DAY + HOUR, 10, true), // 6 days 23 hours old: never
      tx(AT - 7 * DAY - 10 * MINUTE, 10, true), // 7 days 10 minutes old, but hour H-168 also holds younger labels
      tx(AT - 7 * DAY - 31 * MINUTE, 10, true), // 14:59 seven days ago, hour H-169: in all three windows
      tx(AT - 7 * DAY - 20 * HOUR, 10, false), // in all three windows
      tx(AT - 8 * DAY - HOUR, 10, false), // hour H-193: in 7d and 30d
      tx(AT - 14 * DAY - HOUR, 10, true), // hour H-337: in 30d only
      tx(AT - 37 * DAY + HOUR, 10, false), // hour H-887: in 30d
      tx(AT - 37 * DAY - HOUR, 10, true), // hour H-889: outside
    ];
    const f = namedFeatures(
      featuresFromHistory({ atMs: AT, amountMilli: 5000, unitsPerReference: 1 }, [], terminal),
    );
    expect(f.terminal_tx_count_1d).toBe(2);
    expect(f.terminal_risk_1d).toBe(0.5);
    expect(f.terminal_tx_count_7d).toBe(3);
    expect(f.terminal_risk_7d).toBeCloseTo(1 / 3, 12);
    expect(f.terminal_tx_count_30d).toBe(5);
    expect(f.terminal_risk_30d).toBeCloseTo(2 / 5, 12);
  });

  it('gives a first transaction neutral values', () => {
    const values = featuresFromHistory(
      { atMs: Date.parse('2018-06-16T03:00:00Z'), amountMilli: 42_000, unitsPerReference: 1 },
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
      card_avg_1d_to_30d: 1,
      card_avg_7d_to_30d: 1,
      terminal_fraud_run: 0,
      terminal_fraud_run_hours: 0,
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
    let fraudRuns = 0;
    const runColumn = FEATURE_NAMES.indexOf('terminal_fraud_run');
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
        const expected = featuresFromHistory({ ...h, unitsPerReference: 1 }, card, terminal);
        const got = table.values.subarray(i * FEATURE_NAMES.length, (i + 1) * FEATURE_NAMES.length);
        // same second, same card: the export counts the earlier row, the history path cannot order them
        if (!card.some((x) => x.atMs === h.atMs)) {
          expect(Array.from(got)).toEqual(Array.from(expected));
          compared++;
          if ((expected[14] as number) > 0) fraudRisk++;
          if ((expected[runColumn] as number) > 0) fraudRuns++;
        }
      }
      card.push(h);
      terminal.push(h);
      byCard.set(c, card);
      byTerminal.set(t, terminal);
    }
    expect(compared).toBeGreaterThan(1000);
    expect(fraudRisk).toBeGreaterThan(10);
    expect(fraudRuns).toBeGreaterThan(10);
  });
});
