/** Amounts come from the API in minor units; people read them in major units with the currency's decimals. */
const formats = new Map<string, Intl.NumberFormat>();

function formatOf(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formats.set(currency, format);
  }
  return format;
}

/** How many decimals the currency has (JPY 0, USD 2, KWD 3), as Intl knows them. */
export function decimalsOf(currency: string): number {
  return formatOf(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(minor: number, currency: string): string {
  return formatOf(currency).format(minor / 10 ** decimalsOf(currency));
}

/** A typed major-unit amount ("12.5") in minor units, or undefined when it has more decimals than the currency. */
export function toMinor(major: string, currency: string): number | undefined {
  const decimals = decimalsOf(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(major.trim());
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  return Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
}

export const formatTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
