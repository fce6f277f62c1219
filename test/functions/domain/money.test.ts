import {
  currencyExponent,
  formatMinor,
  isCurrencyCode,
  isValidMinorAmount,
  MAX_AMOUNT_MINOR,
  type CurrencyCode,
} from '../../../functions/domain/money';

describe('money', () => {
  it('knows the ISO 4217 exponents', () => {
    expect(currencyExponent('JPY' as CurrencyCode)).toBe(0);
    expect(currencyExponent('USD' as CurrencyCode)).toBe(2);
    expect(currencyExponent('KWD' as CurrencyCode)).toBe(3);
    expect(isCurrencyCode('XXX')).toBe(false);
    expect(isCurrencyCode('usd')).toBe(false);
  });

  it('accepts only positive safe integers up to the maximum', () => {
    expect(isValidMinorAmount(1)).toBe(true);
    expect(isValidMinorAmount(MAX_AMOUNT_MINOR)).toBe(true);
    for (const bad of [0, -1, 1.5, MAX_AMOUNT_MINOR + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isValidMinorAmount(bad)).toBe(false);
    }
  });

  it('formats minor units by exponent without floating point', () => {
    expect(formatMinor(1050, 'USD' as CurrencyCode)).toBe('10.50 USD');
    expect(formatMinor(5, 'USD' as CurrencyCode)).toBe('0.05 USD');
    expect(formatMinor(1050, 'JPY' as CurrencyCode)).toBe('1050 JPY');
    expect(formatMinor(1, 'KWD' as CurrencyCode)).toBe('0.001 KWD');
    expect(formatMinor(99_999_999_999, 'USD' as CurrencyCode)).toBe('999999999.99 USD');
  });
});
