import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import {
  firstPartySourceMap,
  trimSourceMapFile,
  type SourceMapV3,
} from '../../../../lib/infra/config/source-map';

/** A bundle of one first-party module that calls into a package under node_modules, with its source map. */
async function bundleWithDependency(): Promise<{ code: string; mapFile: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rampay-map-'));
  mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(
    path.join(dir, 'node_modules', 'dep', 'index.js'),
    'export function depWork(x) {\n  return globalThis.depMarker = x * 2;\n}\n',
  );
  writeFileSync(
    path.join(dir, 'handler.ts'),
    "import { depWork } from 'dep';\n\nexport function ownWork(y: number) {\n  return globalThis.ownMarker = depWork(y) + 1;\n}\n",
  );
  const outfile = path.join(dir, 'out', 'index.mjs');
  await build({
    entryPoints: [path.join(dir, 'handler.ts')],
    absWorkingDir: dir,
    outfile,
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'error',
  });
  return { code: readFileSync(outfile, 'utf8'), mapFile: `${outfile}.map` };
}

/** Where the bundle's text `needle` maps back to, if anywhere. */
function originOf(code: string, map: SourceMapV3, needle: string) {
  const lines = code.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  const entry = new SourceMap(map as unknown as ConstructorParameters<typeof SourceMap>[0]).findEntry(
    line,
    lines[line]!.indexOf(needle),
  ) as {
    originalSource?: string;
    originalLine?: number;
  };
  return entry.originalSource
    ? { source: path.basename(entry.originalSource), line: entry.originalLine }
    : {};
}

test('keeps the mappings of RamPay code and drops those into node_modules', async () => {
  const { code, mapFile } = await bundleWithDependency();
  const full = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapV3;
  expect(originOf(code, full, 'depMarker')).toEqual({ source: 'index.js', line: 1 });

  const trimmed = firstPartySourceMap(full);

  expect(trimmed.sources).toEqual(full.sources.filter((s) => !s.includes('node_modules/')));
  expect(trimmed.sources.some((s) => s.endsWith('handler.ts'))).toBe(true);
  expect(originOf(code, trimmed, 'ownMarker')).toEqual(originOf(code, full, 'ownMarker'));
  expect(originOf(code, trimmed, 'ownMarker')).toEqual({ source: 'handler.ts', line: 3 });
  expect(originOf(code, trimmed, 'depMarker').source).not.toBe('index.js');
});

test('rewrites a map file in place and reports the sizes', async () => {
  const { mapFile } = await bundleWithDependency();
  const before = readFileSync(mapFile, 'utf8');

  const sizes = trimSourceMapFile(mapFile);

  expect(sizes.before).toBe(Buffer.byteLength(before));
  expect(sizes.after).toBe(readFileSync(mapFile).length);
  expect(sizes.after).toBeLessThan(sizes.before);
  expect(JSON.parse(readFileSync(mapFile, 'utf8'))).toEqual(
    firstPartySourceMap(JSON.parse(before) as SourceMapV3),
  );
});
