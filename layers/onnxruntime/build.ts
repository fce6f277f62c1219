/**
 * Builds the onnxruntime-node Lambda layer from the installed package: `nodejs/node_modules/onnxruntime-node`
 * with the JavaScript and the native binding of ONE platform (linux/arm64 by default, what the fraud function
 * runs on), plus its one runtime dependency onnxruntime-common, whose CommonJS build (about twenty files that
 * require one another) is bundled into one file: resolving and loading them one by one was about 15 ms of the
 * fraud function's cold start. Everything else the npm package ships (other platforms, type declarations, source
 * maps, the install script and its dependencies) stays out: ~25 MB instead of ~290 MB. The package is installed with its CUDA download skipped (its install script is denied in package.json's
 * `allowScripts`; with an npm older than 11.19, `ONNXRUNTIME_NODE_INSTALL=skip npm ci`);
 * the CPU binaries ship inside it.
 *
 * `npx tsx layers/onnxruntime/build.ts [outDir] [arm64|x64]` builds it by hand; CDK calls buildLayer() when it
 * stages the layer asset (lib/infra/constructs/onnxruntime-layer.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

export type LayerArch = 'arm64' | 'x64';

/** Part of the layer asset's hash (lib/infra/constructs/onnxruntime-layer.ts): a new value for every change of what buildLayer writes. */
export const LAYER_BUILD = 'v2';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

export function onnxRuntimeVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(NODE_MODULES, 'onnxruntime-node', 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return pkg.version;
}

function copyFiltered(from: string, to: string, keep: (file: string) => boolean): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyFiltered(source, target, keep);
    else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

const isRuntimeJs = (file: string): boolean => /\.(c|m)?js$/.test(file) || file === 'package.json';

/** Writes the layer's content into `outDir` (which becomes /opt on Lambda) and returns its size in bytes. */
export function buildLayer(outDir: string, arch: LayerArch = 'arm64'): number {
  const modules = path.join(outDir, 'nodejs', 'node_modules');
  const ort = path.join(NODE_MODULES, 'onnxruntime-node');
  const binary = path.join(ort, 'bin', 'napi-v6', 'linux', arch);
  if (!fs.existsSync(binary)) throw new Error(`onnxruntime-node has no linux/${arch} binary at ${binary}`);

  const ortOut = path.join(modules, 'onnxruntime-node');
  fs.mkdirSync(ortOut, { recursive: true });
  // package.json without the install hooks: nothing runs at layer build or load time.
  const pkg = JSON.parse(fs.readFileSync(path.join(ort, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg.scripts;
  delete pkg.devDependencies;
  pkg.dependencies = { 'onnxruntime-common': pkg.version };
  fs.writeFileSync(path.join(ortOut, 'package.json'), JSON.stringify(pkg, null, 2));
  copyFiltered(path.join(ort, 'dist'), path.join(ortOut, 'dist'), (f) => f.endsWith('.js'));
  copyFiltered(binary, path.join(ortOut, 'bin', 'napi-v6', 'linux', arch), () => true);

  const common = path.join(NODE_MODULES, 'onnxruntime-common');
  const commonOut = path.join(modules, 'onnxruntime-common');
  fs.mkdirSync(commonOut, { recursive: true });
  fs.copyFileSync(path.join(common, 'package.json'), path.join(commonOut, 'package.json'));
  copyFiltered(path.join(common, 'dist', 'esm'), path.join(commonOut, 'dist', 'esm'), isRuntimeJs);
  // `require('onnxruntime-common')` (its `exports.require`) loads dist/cjs/index.js: one file, same code.
  const cjsOut = path.join(commonOut, 'dist', 'cjs');
  fs.mkdirSync(cjsOut, { recursive: true });
  fs.copyFileSync(path.join(common, 'dist', 'cjs', 'package.json'), path.join(cjsOut, 'package.json'));
  buildSync({
    entryPoints: [path.join(common, 'dist', 'cjs', 'index.js')],
    outfile: path.join(cjsOut, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    logLevel: 'error',
  });

  return directorySize(outDir);
}

export function directorySize(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? directorySize(p) : fs.statSync(p).size;
  }
  return total;
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, '.rampay', 'layers', 'onnxruntime'));
  const arch = (process.argv[3] ?? 'arm64') as LayerArch;
  fs.rmSync(outDir, { recursive: true, force: true });
  const bytes = buildLayer(outDir, arch);
  console.log(
    `onnxruntime-node ${onnxRuntimeVersion()} layer for linux/${arch}: ${(bytes / 1e6).toFixed(1)} MB in ${outDir}`,
  );
}
