/**
 * How every function is bundled (esbuild via NodejsFunction), kept free of aws-cdk-lib so the bundle benchmark
 * can build exactly what deploys without loading CDK.
 */
export const BUNDLING = {
  target: 'node22',
  format: 'esm' as const,
  platform: 'node' as const,
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  /**
   * Stack traces need only the mappings; leaving the sources out of the map makes it a third of the size, and
   * `--enable-source-maps` parses the whole map at cold start (CreatePayment: about 70 ms less init here).
   * After bundling, the map keeps only RamPay's own sources (lib/infra/config/source-map.ts).
   */
  sourcesContent: false,
  /**
   * ESM output has no `require`; CommonJS dependencies bundled into it call it, so the banner recreates one.
   * The import is aliased so it cannot clash with the bundle's own.
   */
  banner:
    "import { createRequire as __rampayCreateRequire } from 'node:module'; const require = __rampayCreateRequire(import.meta.url);",
  /**
   * Packages replaced by RamPay's own module in every bundle; paths are relative to the repository root, where
   * esbuild runs. The SDK's default credential chain becomes the environment alone (see the module's comment).
   */
  alias: {
    '@aws-sdk/credential-provider-node': './functions/shared/aws/lambda-credentials.ts',
  } as Record<string, string>,
};

/**
 * The same settings as esbuild API options, for code that runs esbuild itself (the bundle benchmark, tests);
 * `absWorkingDir` is where the aliases resolve (the repository root).
 */
export function esbuildOptions(absWorkingDir: string) {
  return {
    absWorkingDir,
    bundle: true,
    platform: BUNDLING.platform,
    format: BUNDLING.format,
    target: BUNDLING.target,
    mainFields: BUNDLING.mainFields,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    banner: { js: BUNDLING.banner },
    alias: BUNDLING.alias,
  };
}

/** Left out of the bundles of `onnx` functions: the onnxruntime layer provides them (native code). */
export const ONNX_EXTERNALS = ['onnxruntime-node', 'onnxruntime-common'];

/**
 * Environment of `onnx` functions. onnxruntime's Linux build records usage telemetry as it loads (a SQLite
 * database under the home directory's .cache written with fsync, a device id, a log file in /tmp): off, and the
 * fraud function's cold start is about 10 ms shorter for it.
 */
export const ONNX_ENVIRONMENT: Readonly<Record<string, string>> = { ORT_DISABLE_TELEMETRY: '1' };
