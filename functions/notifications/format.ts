import { currencyExponent, isCurrencyCode } from '../domain/money';

/** Decimal text of an integer count of minor units ("123456", exponent 3 -> "123.456"), without floats. */
export function minorToDecimalString(amount: number, exponent: 0 | 2 | 3): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount ${amount} is not a safe integer`);
  const sign = amount < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${Math.abs(amount)}`;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount for people: Intl currency formatting in the reader's locale, with exactly as many decimals as the
 * currency's ISO 4217 exponent (JPY 0, EUR 2, KWD 3). Intl formats the decimal string exactly, so no float
 * ever holds the amount.
 */
export function formatAmount(amountMinor: number, currency: string, locale = 'en'): string {
  if (!isCurrencyCode(currency)) throw new RangeError(`unsupported currency ${currency}`);
  const exponent = currencyExponent(currency);
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    formatters.set(key, formatter);
  }
  // Node's Intl (ES2023 NumberFormat v3) formats numeric strings exactly; the lib typings only allow numbers.
  return formatter.format(minorToDecimalString(amountMinor, exponent) as unknown as number);
}

/** English with the customer's region (en-GB, en-DE, en-JP) when it is a valid locale; plain English otherwise. */
export function localeFor(country: string | undefined): string {
  if (!country || !/^[A-Z]{2}$/.test(country)) return 'en';
  try {
    return Intl.getCanonicalLocales(`en-${country}`)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

export function formatDate(iso: string, locale = 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let formatter = dateFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    dateFormatters.set(locale, formatter);
  }
  return formatter.format(date);
}
