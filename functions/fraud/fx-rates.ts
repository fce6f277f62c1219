/**
 * The rates table the fraud model converts amounts with (features/currency.ts): a versioned config file,
 * fx-rates.json, bundled with the function and refreshed by an operator (`npm run fraud:rates`). Every
 * assessment stores the quote it used (FxQuote), so a score can be explained after the table moved on.
 */
import * as z from 'zod';
import { SUPPORTED_CURRENCIES } from '../domain/money';
import { REFERENCE_CURRENCY } from './features';
import bundled from './fx-rates.json';

const currency = z.string().regex(/^[A-Z]{3}$/);

export const FxRatesSchema = z.strictObject({
  /** `<asOf>.<n>`: n counts the refreshes of one day */
  version: z.string().regex(/^\d{4}-\d{2}-\d{2}\.\d+$/),
  reference: z.literal(REFERENCE_CURRENCY),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.string().min(1),
  /** units of each currency per one reference unit (the ECB's quotes: JPY 180 means 1 EUR = 180 JPY) */
  unitsPerReference: z.record(currency, z.number().positive().finite()),
});

export type FxRates = z.infer<typeof FxRatesSchema>;

/** The quote an assessment used, stored with it. */
export interface FxQuote {
  currency: string;
  reference: string;
  unitsPerReference: number;
  ratesVersion: string;
}

/** Parses a rates table: the reference quoted at 1 and every currency a payment may carry quoted. */
export function parseFxRates(json: unknown): FxRates {
  const rates = FxRatesSchema.parse(json);
  if (rates.unitsPerReference[rates.reference] !== 1) {
    throw new Error(`rates ${rates.version}: the reference ${rates.reference} must be quoted at 1`);
  }
  const missing = SUPPORTED_CURRENCIES.filter((c) => rates.unitsPerReference[c] === undefined);
  if (missing.length > 0) throw new Error(`rates ${rates.version}: no quote for ${missing.join(', ')}`);
  return rates;
}

let current: FxRates | undefined;

/** The table bundled with this build (parsed once per container). */
export function bundledFxRates(): FxRates {
  current ??= parseFxRates(bundled);
  return current;
}

/** The quote for a currency; a currency the table lacks is a configuration error, never a guess. */
export function quoteFor(rates: FxRates, code: string): FxQuote {
  const units = rates.unitsPerReference[code];
  if (units === undefined) throw new Error(`rates ${rates.version}: no quote for ${code}`);
  return {
    currency: code,
    reference: rates.reference,
    unitsPerReference: units,
    ratesVersion: rates.version,
  };
}
