import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FEATURE_COUNT, FEATURE_NAMES } from '../../functions/fraud/features';
import type { FeatureTable } from './export';

/**
 * A feature table on disk for Python: raw little-endian arrays (numpy.fromfile reads them exactly, no
 * parsing, no rounding) and a manifest naming them.
 */
export interface TableManifest {
  rows: number;
  features: readonly string[];
  files: { values: string; labels: string; day: string; customer: string };
}

export async function writeFeatureTable(dir: string, table: FeatureTable): Promise<string> {
  await mkdir(dir, { recursive: true });
  const files = { values: 'values.f64', labels: 'labels.u8', day: 'day.i32', customer: 'customer.i32' };
  const buffer = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  await writeFile(path.join(dir, files.values), buffer(table.values));
  await writeFile(path.join(dir, files.labels), buffer(table.labels));
  await writeFile(path.join(dir, files.day), buffer(table.day));
  await writeFile(path.join(dir, files.customer), buffer(table.customer));
  const manifest: TableManifest = { rows: table.rows, features: FEATURE_NAMES, files };
  const manifestPath = path.join(dir, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return manifestPath;
}

export async function readFeatureTable(dir: string): Promise<FeatureTable> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as TableManifest;
  if (manifest.features.join(',') !== FEATURE_NAMES.join(',')) {
    throw new Error(`${dir}: feature order differs from this code's; export the features again`);
  }
  const read = async (file: string): Promise<ArrayBuffer> => {
    const b = await readFile(path.join(dir, file));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  const values = new Float64Array(await read(manifest.files.values));
  if (values.length !== manifest.rows * FEATURE_COUNT) throw new Error(`${dir}: truncated values`);
  return {
    rows: manifest.rows,
    values,
    labels: new Uint8Array(await read(manifest.files.labels)),
    day: new Int32Array(await read(manifest.files.day)),
    customer: new Int32Array(await read(manifest.files.customer)),
  };
}
