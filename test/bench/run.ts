/**
 * `npm run bench [-- name ...]`: runs every `test/bench/*.bench.ts` (or the named ones), each of which prints
 * its own figures; the JSON each returns is written to bench-results/<name>.json.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type BenchMain = () => Promise<Record<string, unknown>>;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const all = (await readdir(__dirname))
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace('.bench.ts', ''));
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
    process.exit(2);
  }
  // The capacity model reads the others' results: it runs last.
  const names = (wanted.length > 0 ? wanted : all).sort(
    (a, b) => Number(a === 'capacity') - Number(b === 'capacity'),
  );
  const outDir = path.join(__dirname, '..', '..', 'bench-results');
  await mkdir(outDir, { recursive: true });
  for (const name of names) {
    console.log(`\n=== ${name} ===`);
    const mod = (await import(path.join(__dirname, `${name}.bench.ts`))) as { default: BenchMain };
    const result = await mod.default();
    const file = path.join(outDir, `${name}.json`);
    await writeFile(
      file,
      JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...result }, null, 2),
    );
    console.log(`results written to ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
