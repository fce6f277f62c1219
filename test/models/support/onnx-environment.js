/**
 * Jest's node environment with the host's typed array constructors. onnxruntime-node creates its output
 * arrays in Node's own realm, and onnxruntime-common (evaluated inside jest's sandbox) checks them with
 * `instanceof Float32Array`, which fails against the sandbox's constructors ("A float32 tensor's data must be
 * type of function Float32Array()"). Test files that run ONNX models select this environment with a
 * `@jest-environment ./test/models/support/onnx-environment.js` docblock.
 */
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxEnvironment;
