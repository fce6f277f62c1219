import { majorFromMilli } from './amount';

/**
 * The model's amounts are in ONE reference currency: the simulator's (and the handbook's) unit is read as euros.
 * A payment's amount enters the model converted with the rates table's quote for its currency (units of the
 * currency per reference unit, the ECB's convention: JPY 180 means 1 EUR = 180 JPY), so 18,000 JPY and 100.00
 * EUR look alike. Amounts are stored and summed in the payment's own currency (thousandths of its major unit,
 * amount.ts); only what the model reads is converted, at the quote in force when the payment is scored.
 */
export const REFERENCE_CURRENCY = 'EUR';

/** Thousandths of a major unit of a currency quoted at `unitsPerReference` -> reference major units. */
export function referenceMajor(amountMilli: number, unitsPerReference: number): number {
  return majorFromMilli(amountMilli) / unitsPerReference;
}
