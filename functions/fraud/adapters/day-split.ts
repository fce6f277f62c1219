/**
 * How the feature store answers a window of hour buckets with fewer rows: the whole UTC days inside it come from
 * day buckets (a day's 24 hour buckets summed, kept in the same statements as the hour buckets), the hours left at
 * its edges from hour buckets. The sums are exactly the hour buckets' over the window.
 */
import { HOURS_PER_DAY, type HourRange } from '../features';

/** A closed range of UTC day numbers (day = floor(hour / 24)). */
export interface DayRange {
  readonly from: number;
  readonly to: number;
}

/** A window as whole days and the hour ranges at its edges (none, one or two); no hour is in both. */
export interface DaySplit {
  days?: DayRange;
  hours: HourRange[];
}

/** The UTC day an hour bucket belongs to. */
export function dayOfHour(hour: number): number {
  return Math.floor(hour / HOURS_PER_DAY);
}

export function splitIntoDays(window: HourRange): DaySplit {
  const firstWholeDay = Math.ceil(window.from / HOURS_PER_DAY);
  const afterLastWholeDay = Math.floor((window.to + 1) / HOURS_PER_DAY);
  if (firstWholeDay >= afterLastWholeDay) return { hours: [window] };
  const hours: HourRange[] = [];
  if (window.from < firstWholeDay * HOURS_PER_DAY)
    hours.push({ from: window.from, to: firstWholeDay * HOURS_PER_DAY - 1 });
  if (afterLastWholeDay * HOURS_PER_DAY <= window.to)
    hours.push({ from: afterLastWholeDay * HOURS_PER_DAY, to: window.to });
  return { days: { from: firstWholeDay, to: afterLastWholeDay - 1 }, hours };
}
