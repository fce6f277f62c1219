import { SUPPORTED_CURRENCIES } from '../../../functions/domain/money';
import { bundledFxRates, parseFxRates, quoteFor } from '../../../functions/fraud/fx-rates';

describe('the rates table', () => {
  it('quotes every currency a payment may carry, the reference at 1', () => {
    const rates = bundledFxRates();
    expect(rates.reference).toBe('EUR');
    expect(rates.unitsPerReference.EUR).toBe(1);
    for (const code of SUPPORTED_CURRENCIES) expect(rates.unitsPerReference[code]).toBeGreaterThan(0);
    expect(quoteFor(rates, 'JPY')).toEqual({
      currency: 'JPY',
      reference: 'EUR',
      unitsPerReference: rates.unitsPerReference.JPY,
      ratesVersion: rates.version,
    });
  });

  it('refuses a table that misses a currency, quotes the reference at other than 1 or a quote at 0', () => {
    const rates = bundledFxRates();
    const { JPY: _dropped, ...withoutYen } = rates.unitsPerReference;
    expect(() => parseFxRates({ ...rates, unitsPerReference: withoutYen })).toThrow(/no quote for JPY/);
    expect(() =>
      parseFxRates({ ...rates, unitsPerReference: { ...rates.unitsPerReference, EUR: 1.1 } }),
    ).toThrow(/quoted at 1/);
    expect(() =>
      parseFxRates({ ...rates, unitsPerReference: { ...rates.unitsPerReference, USD: 0 } }),
    ).toThrow();
    expect(() => quoteFor(rates, 'XXX')).toThrow(/no quote for XXX/);
  });
});
