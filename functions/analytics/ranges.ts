import { GRAIN_MS, type Grain } from './rollup';

/** Rows of `grain` whose period starts in [from, to). */
export interface GrainRange {
  grain: Grain;
  from: Date;
  to: Date;
}

const floorTo = (ms: number, grain: Grain) => Math.floor(ms / GRAIN_MS[grain]) * GRAIN_MS[grain];
const ceilTo = (ms: number, grain: Grain) => Math.ceil(ms / GRAIN_MS[grain]) * GRAIN_MS[grain];

/** The minutes a query covers: every minute that overlaps [from, to). */
export function minuteBounds(from: Date, to: Date): { from: Date; to: Date } {
  return { from: new Date(floorTo(from.getTime(), 'm')), to: new Date(ceilTo(to.getTime(), 'm')) };
}

/**
 * Covers the minute-aligned range [from, to) with the fewest rollup rows: whole days in the middle, whole hours
 * beside them, minutes at the ragged ends. At most 5 ranges; 30 days read about 30 + 2*23 + 2*59 rows.
 */
export function coveringRanges(from: Date, to: Date): GrainRange[] {
  const ranges: GrainRange[] = [];
  const add = (grain: Grain, a: number, b: number) => {
    if (a < b) ranges.push({ grain, from: new Date(a), to: new Date(b) });
  };
  const hoursAndMinutes = (a: number, b: number) => {
    const hs = ceilTo(a, 'h');
    const he = floorTo(b, 'h');
    if (hs < he) {
      add('m', a, hs);
      add('h', hs, he);
      add('m', he, b);
    } else {
      add('m', a, b);
    }
  };
  const a = from.getTime();
  const b = to.getTime();
  const ds = ceilTo(a, 'd');
  const de = floorTo(b, 'd');
  if (ds < de) {
    hoursAndMinutes(a, ds);
    add('d', ds, de);
    hoursAndMinutes(de, b);
  } else {
    hoursAndMinutes(a, b);
  }
  return ranges;
}
