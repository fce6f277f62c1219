/** The console's amounts: minor units shown in major units with each currency's decimals, and typed back. */
import { decimalsOf, formatMoney, toMinor } from '../../console/src/money';

it("knows each currency's decimals from Intl", () => {
  expect([decimalsOf('JPY'), decimalsOf('USD'), decimalsOf('KWD')]).toEqual([0, 2, 3]);
});

it('shows minor units in major units', () => {
  const major = (value: number, currency: string, digits: number) =>
    new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  expect(formatMoney(1250, 'USD')).toBe(major(12.5, 'USD', 2));
  expect(formatMoney(1500, 'JPY')).toBe(major(1500, 'JPY', 0));
  expect(formatMoney(1234, 'KWD')).toBe(major(1.234, 'KWD', 3));
});

it('turns a typed amount into minor units, refusing more decimals than the currency has', () => {
  expect(toMinor('5', 'USD')).toBe(500);
  expect(toMinor('5.5', 'USD')).toBe(550);
  expect(toMinor('0.01', 'USD')).toBe(1);
  expect(toMinor('1.234', 'KWD')).toBe(1234);
  expect(toMinor('1500', 'JPY')).toBe(1500);
  expect(toMinor('1.5', 'JPY')).toBeUndefined();
  expect(toMinor('5.001', 'USD')).toBeUndefined();
  expect(toMinor('-5', 'USD')).toBeUndefined();
  expect(toMinor('5e2', 'USD')).toBeUndefined();
});
