import { currencyExponent, type CurrencyCode } from '../../domain/money';

/**
 * Amounts are kept in MAJOR units of the payment's currency (12.34 for 1234 USD cents, 1234 for 1234 JPY, 1.234
 * for 1234 KWD fils: the currency's minor-unit exponent decides), and converted to the reference currency only
 * where the model reads them (currency.ts).
 *
 * Sums are kept exact as integers in thousandths of a major unit ("milli"): every supported exponent (0, 2, 3)
 * maps to an integer there, so the offline export and the online store add integers and agree bit for bit.
 */
export const AMOUNT_MILLI_PER_MAJOR = 1000;

/** Integer minor units + currency -> integer thousandths of a major unit. */
export function amountMilliFromMinor(amountMinor: number, currency: CurrencyCode): number {
  if (!Number.isSafeInteger(amountMinor))
    throw new Error(`amount must be an integer of minor units: ${amountMinor}`);
  return amountMinor * 10 ** (3 - currencyExponent(currency));
}

/** A two-decimal major amount (the simulator's 12.34) -> thousandths (12340). */
export function amountMilliFromMajor(amountMajor: number): number {
  return Math.round(amountMajor * 100) * 10;
}

/** Thousandths -> the model's amount feature (major units). */
export function majorFromMilli(amountMilli: number): number {
  return amountMilli / AMOUNT_MILLI_PER_MAJOR;
}
