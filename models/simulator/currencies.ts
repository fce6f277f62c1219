import { currencyExponent, type CurrencyCode } from '../../functions/domain/money';
import type { FxRates } from '../../functions/fraud/fx-rates';
import type { Simulation } from './simulate';

/**
 * The simulator's multi-currency mode: the simulation itself is in the reference currency (its fraud rules read
 * reference amounts: every amount over 220 EUR is fraud), and each card pays in one local currency, its merchants'
 * too: customer c's currency is `currencies[c % currencies.length]`. A payment's amount is the reference amount at
 * the rates table's quote, rounded to the currency's minor unit (JPY whole yen, KWD thousandths), so the data
 * look as a deployment in those currencies would store them.
 */
export interface LocalCurrencies {
  readonly currencies: readonly CurrencyCode[];
  /** per currency: its units per reference unit, the quote the features convert with */
  readonly unitsPerReference: Float64Array;
  /** per transaction: index into `currencies` */
  readonly currency: Uint8Array;
  /** per transaction: the amount in minor units of its currency */
  readonly amountMinor: Float64Array;
}

export function localCurrencies(
  sim: Simulation,
  currencies: readonly string[],
  rates: FxRates,
): LocalCurrencies {
  if (currencies.length === 0 || currencies.length > 255) throw new Error('1 to 255 currencies');
  const quotes = new Float64Array(currencies.length);
  const exponents = currencies.map((code, k) => {
    const units = rates.unitsPerReference[code];
    if (units === undefined) throw new Error(`rates ${rates.version}: no quote for ${code}`);
    quotes[k] = units;
    return currencyExponent(code as CurrencyCode);
  });
  const currency = new Uint8Array(sim.count);
  const amountMinor = new Float64Array(sim.count);
  for (let i = 0; i < sim.count; i++) {
    const k = (sim.customer[i] as number) % currencies.length;
    currency[i] = k;
    const reference = (sim.amountCents[i] as number) / 100;
    amountMinor[i] = Math.round(reference * (quotes[k] as number) * 10 ** (exponents[k] as number));
  }
  return { currencies: currencies as CurrencyCode[], unitsPerReference: quotes, currency, amountMinor };
}
