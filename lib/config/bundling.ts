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
   * ESM output has no `require`; CommonJS dependencies bundled into it call it, so the banner recreates one.
   * The import is aliased so it cannot clash with the bundle's own.
   */
  banner:
    "import { createRequire as __rampayCreateRequire } from 'node:module'; const require = __rampayCreateRequire(import.meta.url);",
};

/** Left out of the bundles of `onnx` functions: the onnxruntime layer provides them (native code). */
export const ONNX_EXTERNALS = ['onnxruntime-node', 'onnxruntime-common'];
