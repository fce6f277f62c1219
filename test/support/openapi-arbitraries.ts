/**
 * fast-check arbitraries read from the OpenAPI document: requests its schemas call valid, and hostile values of
 * every kind a client could send instead.
 */
import fc from 'fast-check';
import { SUPPORTED_CURRENCIES } from '../../functions/domain/money';

export type JsonSchema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
};

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  security: { bearer: string[] }[];
  parameters: OpenApiParameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Values a schema cannot describe but the API checks (a currency it supports). */
const BY_NAME: Record<string, fc.Arbitrary<unknown>> = {
  currency: fc.constantFrom(...SUPPORTED_CURRENCIES, 'eur', 'usd'),
};

/** Instants inside the accepted range, around now. */
const INSTANT = fc
  .date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const lengthWithin = (s: JsonSchema) => (v: string) =>
  v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);

/** Values `schema` accepts. */
export function validValue(doc: OpenApiDocument, schema: JsonSchema, name = ''): fc.Arbitrary<unknown> {
  if (schema.$ref) return validValue(doc, doc.components.schemas[schema.$ref.split('/').pop()!]!, name);
  if (BY_NAME[name]) return BY_NAME[name]!;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => validValue(doc, s, name)));
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'email')
        return fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,19}@[a-z0-9]{1,20}\.[a-z]{2,6}$/);
      if (schema.format === 'date-time') return INSTANT;
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 40, 80);
      if (schema.pattern) {
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .map((v) => v.slice(0, max))
          .filter(lengthWithin({ ...schema, maxLength: max }));
      }
      return fc.string({ minLength: min, maxLength: Math.max(min, max) });
    }
    case 'integer':
    case 'number': {
      const min =
        schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? -1e6);
      const max = Math.min(schema.maximum ?? 1e6, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min, max: Math.min(max, min + 100_000) }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(doc, schema.items ?? {}), { maxLength: 3 });
    case 'object': {
      if (schema.properties) {
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, value] of Object.entries(schema.properties))
          record[key] = validValue(doc, value, key);
        return fc.record(record, { requiredKeys: schema.required ?? [] });
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(
          validValue(
            doc,
            schema.propertyNames ?? { type: 'string', minLength: 1, maxLength: 20 },
          ) as fc.Arbitrary<string>,
          validValue(doc, schema.additionalProperties),
          { maxKeys: 4 },
        );
      }
      return fc.constant({});
    }
    default:
      return fc.constant(null);
  }
}

/** Strings an attacker tries first: unstorable characters, huge and empty values, injection, odd numbers and dates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfff',
    '\udc00\ud800',
    '😀',
    '%',
    '%E0%A4%A',
    '%00',
    "'; drop table payments; --",
    '<script>alert(1)</script>',
    '*',
    '../../etc/passwd',
    'null',
    '-1',
    '0',
    '1e309',
    'NaN',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2026-02-30T00:00:00Z',
    'merchant_b',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('x'.repeat(256), 'x'.repeat(3000), 'é'.repeat(10_000)),
);

/** Any JSON value of the wrong kind, or a hostile string. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e308, [], {}, ['a'], { a: 1 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** `value` with one leaf, or one key, replaced or removed, or an unknown key added. */
export function mutated(value: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    paths.push(path);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
    }
  };
  walk(value, []);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.constantFrom('replace', 'remove', 'add'),
      hostileValue,
      hostileString,
    )
    .map(([path, how, replacement, extraKey]) => {
      const copy = structuredClone(value) as Record<string, unknown>;
      if (path.length === 0)
        return how === 'add' ? { ...copy, [extraKey || 'extra']: replacement } : replacement;
      let parent: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
      const last = path[path.length - 1]!;
      if (how === 'remove') delete parent[last];
      else if (how === 'add' && parent[last] && typeof parent[last] === 'object')
        (parent[last] as Record<string, unknown>)[extraKey || 'extra'] = replacement;
      else parent[last] = replacement;
      return copy;
    });
}

/** Raw bodies JSON.parse would take differently from what the client meant, or not at all. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{"amount":1250,"amount":1}',
    '{"customer":{"id":"a","id":"b"}}',
    '{"metadata":{"__proto__":{"admin":true}}}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"metadata":{"constructor":"x"}}',
    '{"description":"\\u0000"}',
    '{"description":"\\ud800"}',
    '{"metadata":{"\\u0000":"x"}}',
    '{',
    '[]',
    'null',
    '"string"',
    '1',
    '{"a":1}garbage',
    '\ufeff{}',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constant(`{"description":"${'x'.repeat(70 * 1024)}"}`),
);

/** Characters and lengths PostgreSQL refuses or an index cannot hold, appended to an otherwise valid string. */
export const POISON = ['\u0000', '\ud800', '\udfff', 'x'.repeat(3000)] as const;

/** `value` with one string leaf (or object key) made unstorable by appending a poison. */
export function poisoned(value: unknown): fc.Arbitrary<unknown> {
  const leaves: { path: string[]; key: boolean }[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (typeof v === 'string') leaves.push({ path, key: false });
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) {
        leaves.push({ path: [...path, k], key: true });
        walk(child, [...path, k]);
      }
    }
  };
  walk(value, []);
  if (leaves.length === 0) return fc.constant(value);
  return fc.tuple(fc.constantFrom(...leaves), fc.constantFrom(...POISON)).map(([leaf, poison]) => {
    const copy = structuredClone(value) as Record<string, unknown>;
    let parent: Record<string, unknown> = copy;
    for (const key of leaf.path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
    const last = leaf.path[leaf.path.length - 1]!;
    if (leaf.key) {
      parent[last + poison] = parent[last];
      delete parent[last];
    } else {
      parent[last] = `${String(parent[last])}${poison}`;
    }
    return copy;
  });
}
