/**
 * `npm run fraud:rates`: refreshes the fraud model's rates table (functions/fraud/fx-rates.json), from the ECB's
 * daily reference rates and/or quotes given by hand; deploying the function ships the new version.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseFxRates } from '../functions/fraud';
import { parseEcbDaily, refreshRates, type QuoteUpdate } from '../lib/ops/fx-rates/refresh';

const USAGE = `npm run fraud:rates -- [--ecb FILE|URL] [--set CUR=UNITS ...] [--as-of YYYY-MM-DD] [--file PATH] [--dry-run]

Quotes are units of the currency per 1 EUR (the ECB's convention: JPY=180 means 1 EUR = 180 JPY).
  --ecb FILE|URL   the ECB's eurofxref-daily.xml (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml)
  --set CUR=UNITS  a quote by hand (currencies the ECB does not publish, e.g. KWD); repeatable, wins over --ecb
  --as-of DATE     the day the quotes are for (default: the ECB file's day, else today, UTC)
  --file PATH      the table to refresh (default functions/fraud/fx-rates.json)
  --dry-run        print what would change, write nothing`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        ecb: { type: 'string' },
        set: { type: 'string', multiple: true },
        'as-of': { type: 'string' },
        file: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.ecb && !values.set?.length) {
    console.error(`give --ecb or --set\n\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(values.file ?? path.join(__dirname, '..', 'functions', 'fraud', 'fx-rates.json'));
  const current = parseFxRates(JSON.parse(await readFile(file, 'utf8')));
  const quotes: Record<string, number> = {};
  const sources: string[] = [];
  let asOf = values['as-of'];
  if (values.ecb) {
    const xml = /^https?:\/\//.test(values.ecb)
      ? await (await fetch(values.ecb, { signal: AbortSignal.timeout(30_000) })).text()
      : await readFile(values.ecb, 'utf8');
    const ecb = parseEcbDaily(xml);
    Object.assign(quotes, ecb.unitsPerReference);
    asOf ??= ecb.asOf;
    sources.push(`ECB euro foreign exchange reference rates of ${ecb.asOf}`);
  }
  for (const pair of values.set ?? []) {
    const m = /^([A-Z]{3})=([0-9]+(?:\.[0-9]+)?)$/.exec(pair);
    if (!m || !(Number(m[2]) > 0)) {
      console.error(`--set takes CUR=UNITS with UNITS > 0, got "${pair}"`);
      return 2;
    }
    quotes[m[1]!] = Number(m[2]);
  }
  if (values.set?.length) sources.push(`set by hand: ${values.set.join(', ')}`);
  const update: QuoteUpdate = {
    asOf: asOf ?? new Date().toISOString().slice(0, 10),
    source: sources.join('; '),
    unitsPerReference: quotes,
  };
  const { rates, changed, kept } = refreshRates(current, update);
  console.log(`rates ${current.version} -> ${rates.version} (${changed.length} quotes changed)`);
  for (const c of changed.slice(0, 15)) {
    console.log(`  ${c.currency}  ${c.from} -> ${c.to}  (${(c.move * 100).toFixed(2)}%)`);
  }
  if (changed.length > 15) console.log(`  ... and ${changed.length - 15} more`);
  if (kept.length > 0)
    console.log(`kept from ${current.asOf} (not quoted by this update): ${kept.join(', ')}`);
  if (values['dry-run']) {
    console.log('dry run: nothing written');
    return 0;
  }
  await writeFile(file, `${JSON.stringify(rates, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}; deploy the fraud function to use it`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
