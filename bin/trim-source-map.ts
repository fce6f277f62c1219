/**
 * `tsx bin/trim-source-map.ts <file.map>...`: keeps only RamPay's own sources in bundle source maps
 * (lib/infra/config/source-map.ts). Run by NodejsFunction after bundling; nothing to run by hand.
 */
import { trimSourceMapFile } from '../lib/infra/config/source-map';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: tsx bin/trim-source-map.ts <file.map>...');
  process.exit(2);
}
for (const file of files) {
  const { before, after } = trimSourceMapFile(file);
  console.log(`${file}: ${before} -> ${after} bytes`);
}
