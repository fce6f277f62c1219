import { readFileSync, writeFileSync } from 'node:fs';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

export interface SourceMapV3 {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  [key: string]: unknown;
}

/**
 * The bundle's source map with only RamPay's own sources in it. `--enable-source-maps` parses a function's whole
 * map at cold start, and nine tenths of its mappings point into node_modules (the SDK, zod, postgres.js), frames a
 * stack trace rarely needs resolved. Code in node_modules keeps its bundle position (index.mjs:line:column).
 */
export function firstPartySourceMap(map: SourceMapV3): SourceMapV3 {
  const sources: string[] = [];
  const names: string[] = [];
  const sourceIndex = new Map<number, number>();
  const nameIndex = new Map<number, number>();
  const indexIn = (seen: Map<number, number>, kept: string[], from: string[], index: number): number => {
    let position = seen.get(index);
    if (position === undefined) {
      position = kept.push(from[index] as string) - 1;
      seen.set(index, position);
    }
    return position;
  };
  const lines = decode(map.mappings).map((segments) =>
    segments.flatMap((segment): SourceMapSegment[] => {
      if (segment.length === 1) return [segment];
      const [column, source, line, sourceColumn] = segment;
      if ((map.sources[source] as string).includes('node_modules/')) return [];
      const kept = indexIn(sourceIndex, sources, map.sources, source);
      return segment.length === 5
        ? [[column, kept, line, sourceColumn, indexIn(nameIndex, names, map.names, segment[4])]]
        : [[column, kept, line, sourceColumn]];
    }),
  );
  return { ...map, sources, names, mappings: encode(lines) };
}

/** Rewrites a source map file in place with firstPartySourceMap; returns its size before and after. */
export function trimSourceMapFile(file: string): { before: number; after: number } {
  const text = readFileSync(file, 'utf8');
  const trimmed = JSON.stringify(firstPartySourceMap(JSON.parse(text) as SourceMapV3));
  writeFileSync(file, trimmed);
  return { before: Buffer.byteLength(text), after: Buffer.byteLength(trimmed) };
}
