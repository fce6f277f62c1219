import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { FEATURE_COUNT, FEATURE_NAMES } from '../features';
import { readModelMetadata, type ModelMetadata } from './metadata';
import type { FraudModel } from './port';

/**
 * Loaded with `require`, not an ES import: on Lambda the package comes from the onnxruntime layer
 * (/opt/nodejs/node_modules), which Node finds through NODE_PATH, and an ES import of a bare name ignores
 * NODE_PATH. In the ESM bundle this is the bundle banner's require; under tsx and jest, CommonJS's own.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as typeof Ort;

export interface OnnxModelLocation {
  /** the metadata JSON; the .onnx it names is read from the same folder */
  readonly metadataPath: string;
}

/**
 * onnxruntime-node adapter of the FraudModel port. The session is single-threaded (a Lambda has one or two
 * vCPUs and scores one small batch at a time); the input columns follow the metadata's feature order, mapped
 * by name from the order functions/fraud/features produces.
 */
export class OnnxFraudModel implements FraudModel {
  readonly version: string;
  private readonly columns: Int32Array;

  private constructor(
    readonly metadata: ModelMetadata,
    private readonly session: Ort.InferenceSession,
  ) {
    this.version = metadata.version;
    this.columns = Int32Array.from(
      metadata.features.map((name) => {
        const k = (FEATURE_NAMES as readonly string[]).indexOf(name);
        if (k < 0)
          throw new Error(`model ${metadata.version} needs feature "${name}", which is not computed`);
        return k;
      }),
    );
  }

  static async load(location: OnnxModelLocation): Promise<OnnxFraudModel> {
    const metadata = await readModelMetadata(location.metadataPath);
    const bytes = await readFile(path.join(path.dirname(location.metadataPath), metadata.onnx));
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes(metadata.model.onnx_input)) {
      throw new Error(`model ${metadata.version}: no input named ${metadata.model.onnx_input}`);
    }
    return new OnnxFraudModel(metadata, session);
  }

  async score(rows: readonly ArrayLike<number>[]): Promise<Float64Array> {
    const packed = new Float64Array(rows.length * FEATURE_COUNT);
    rows.forEach((row, r) => {
      if (row.length !== FEATURE_COUNT)
        throw new Error(`row ${r}: ${row.length} features, ${FEATURE_COUNT} expected`);
      packed.set(row, r * FEATURE_COUNT);
    });
    return this.scorePacked(packed, rows.length);
  }

  async scorePacked(values: ArrayLike<number>, count: number): Promise<Float64Array> {
    if (values.length !== count * FEATURE_COUNT) throw new Error('packed rows: wrong length');
    const width = this.columns.length;
    const input = new Float32Array(count * width);
    for (let r = 0; r < count; r++) {
      const from = r * FEATURE_COUNT;
      const to = r * width;
      for (let k = 0; k < width; k++) {
        const v = values[from + (this.columns[k] as number)] as number;
        if (!Number.isFinite(v)) throw new Error(`row ${r}: feature ${this.metadata.features[k]} is ${v}`);
        input[to + k] = v;
      }
    }
    // Fetch only the probabilities: the int64 label output is not needed (and a BigInt64Array made by the
    // native binding fails onnxruntime-common's instanceof check inside jest's sandbox).
    const output = await this.session.run(
      { [this.metadata.model.onnx_input]: new ort.Tensor('float32', input, [count, width]) },
      [this.metadata.model.onnx_probabilities],
    );
    const probabilities = output[this.metadata.model.onnx_probabilities];
    if (probabilities === undefined) throw new Error(`model ${this.version}: no probabilities output`);
    const data = probabilities.data as Float32Array;
    const stride = data.length / count;
    const column = this.metadata.model.probability_column;
    const result = new Float64Array(count);
    for (let r = 0; r < count; r++) result[r] = data[r * stride + column] as number;
    return result;
  }
}

const loaded = new Map<string, Promise<OnnxFraudModel>>();

/** One model (one session) per metadata path per container: later calls share the first load. */
export function getFraudModel(location: OnnxModelLocation): Promise<OnnxFraudModel> {
  const key = path.resolve(location.metadataPath);
  let model = loaded.get(key);
  if (model === undefined) {
    model = OnnxFraudModel.load(location);
    loaded.set(key, model);
    model.catch(() => loaded.delete(key));
  }
  return model;
}
