import { parseFxRates, type FxRates } from '../../../functions/fraud';

/** New quotes for some currencies (units per reference unit) and the day they are for. */
export interface QuoteUpdate {
  asOf: string;
  source: string;
  unitsPerReference: Readonly<Record<string, number>>;
}

export interface Refresh {
  rates: FxRates;
  /** currencies whose quote changed, with the relative move (0.01 = 1%) */
  changed: { currency: string; from: number; to: number; move: number }[];
  /** currencies the update did not quote: they keep the previous quote */
  kept: string[];
}

/**
 * The next version of a rates table: the update's quotes over the current ones (a currency the update does not
 * quote keeps its quote, and is reported), versioned `<asOf>.<n>`, n one more than the current table's when it
 * is for the same day. The result is validated as serving validates it.
 */
export function refreshRates(current: FxRates, update: QuoteUpdate): Refresh {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(update.asOf)) throw new Error(`as-of must be YYYY-MM-DD: ${update.asOf}`);
  if (update.asOf < current.asOf) {
    throw new Error(`quotes for ${update.asOf} are older than the table's (${current.asOf})`);
  }
  const unitsPerReference = { ...current.unitsPerReference };
  const changed: Refresh['changed'] = [];
  for (const [currency, to] of Object.entries(update.unitsPerReference)) {
    if (currency === current.reference) continue;
    const from = current.unitsPerReference[currency];
    if (from !== undefined && from !== to) changed.push({ currency, from, to, move: to / from - 1 });
    unitsPerReference[currency] = to;
  }
  const kept = Object.keys(current.unitsPerReference).filter(
    (c) => c !== current.reference && update.unitsPerReference[c] === undefined,
  );
  const n = current.asOf === update.asOf ? Number(current.version.split('.')[1]) + 1 : 1;
  const rates = parseFxRates({
    version: `${update.asOf}.${n}`,
    reference: current.reference,
    asOf: update.asOf,
    source: update.source,
    unitsPerReference: Object.fromEntries(
      Object.entries(unitsPerReference).sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  });
  changed.sort((a, b) => Math.abs(b.move) - Math.abs(a.move));
  return { rates, changed, kept };
}

/**
 * The ECB's daily reference rates (eurofxref-daily.xml: `<Cube time='YYYY-MM-DD'>` holding
 * `<Cube currency='USD' rate='1.1600'/>`, units per euro): the quotes and their day.
 */
export function parseEcbDaily(xml: string): Omit<QuoteUpdate, 'source'> {
  const day = /<Cube\s+time=['"](\d{4}-\d{2}-\d{2})['"]/.exec(xml);
  if (!day) throw new Error('not the ECB daily reference rates: no <Cube time="...">');
  const unitsPerReference: Record<string, number> = {};
  for (const m of xml.matchAll(/<Cube\s+currency=['"]([A-Z]{3})['"]\s+rate=['"]([0-9.]+)['"]\s*\/>/g)) {
    const rate = Number(m[2]);
    if (!(rate > 0)) throw new Error(`ECB rate for ${m[1]} is not positive: ${m[2]}`);
    unitsPerReference[m[1]!] = rate;
  }
  if (Object.keys(unitsPerReference).length === 0) throw new Error('the ECB file quotes no currency');
  return { asOf: day[1]!, unitsPerReference };
}
