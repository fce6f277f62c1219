import { dayOfHour, splitIntoDays } from '../../../../functions/fraud/adapters/day-split';
import { HOURS_PER_DAY, terminalWindows, type HourRange } from '../../../../functions/fraud/features';

/** Every hour a split covers, in order, with whole days expanded to their 24 hours. */
function hoursCovered(window: HourRange): number[] {
  const split = splitIntoDays(window);
  const hours: number[] = [];
  if (split.days)
    for (let day = split.days.from; day <= split.days.to; day++)
      for (let h = 0; h < HOURS_PER_DAY; h++) hours.push(day * HOURS_PER_DAY + h);
  for (const range of split.hours) for (let h = range.from; h <= range.to; h++) hours.push(h);
  return hours.sort((a, b) => a - b);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('splitIntoDays', () => {
  it('covers exactly the hours of the window, each once, for every length and start hour of day', () => {
    const base = 20_000 * HOURS_PER_DAY;
    for (let length = 1; length <= 24 * 31; length += length < 60 ? 1 : 23)
      for (let offset = 0; offset < HOURS_PER_DAY; offset++) {
        const window = { from: base + offset, to: base + offset + length - 1 };
        expect(hoursCovered(window)).toEqual(range(window.from, window.to));
      }
  });

  it('leaves at most 23 hours at each edge, and reads whole days for the rest', () => {
    const hour = 498_767; // 23:00 UTC
    for (let h = hour; h < hour + HOURS_PER_DAY; h++)
      for (const window of terminalWindows(h)) {
        const split = splitIntoDays(window);
        expect(split.hours.length).toBeLessThanOrEqual(2);
        if (split.days)
          for (const edge of split.hours) expect(edge.to - edge.from + 1).toBeLessThan(HOURS_PER_DAY);
        else expect(split.hours).toEqual([window]);
      }
    // The 30-day terminal window at midnight is 30 whole days; an hour later, 29 and 24 edge hours.
    const midnight = 498_768;
    expect(splitIntoDays(terminalWindows(midnight)[2]!)).toEqual({
      days: { from: dayOfHour(midnight) - 37, to: dayOfHour(midnight) - 8 },
      hours: [],
    });
    expect(splitIntoDays(terminalWindows(midnight + 1)[2]!)).toEqual({
      days: { from: dayOfHour(midnight) - 36, to: dayOfHour(midnight) - 8 },
      hours: [
        { from: midnight + 1 - 888, to: midnight - 37 * 24 + 23 },
        { from: (dayOfHour(midnight) - 7) * 24, to: midnight + 1 - 169 },
      ],
    });
  });
});
