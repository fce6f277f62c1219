/**
 * Every route of the OpenAPI document, sent generated valid and hostile requests through its real handler on a
 * real database: mutated types, boundary numbers, hostile strings, huge and empty values, odd encodings, missing
 * and extra fields, bad and foreign tokens. For every request: no 5xx; every 4xx is problem+json whose detail says
 * what to fix; a refused request writes nothing; no answer carries another merchant's data; and no log line
 * carries SQL text or a full e-mail address.
 *
 * Seeded and bounded: RAMPAY_PROPERTY_RUNS (default 30) requests per route, RAMPAY_PROPERTY_SEED to replay a run.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../../../functions/api/openapi';
import { API_ROUTES } from '../../../functions/api/routes';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { MERCHANT_CLAIM, SCOPES } from '../../../functions/shared/http/auth';
import { apiGatewayEvent, type LambdaApiHandler } from '../../../lib/local/api-gateway';
import { lambdaContext } from '../../../lib/local/lambda-context';
import { paymentRequest } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import {
  hostileRawBody,
  hostileString,
  hostileValue,
  mutated,
  POISON,
  poisoned,
  validValue,
  type OpenApiDocument,
  type OpenApiOperation,
} from '../../support/openapi-arbitraries';
import { mockSns } from '../../support/sns';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import {
  EnvelopeSealer,
  LocalKeyWrapper,
  PostgresDeliveryStore,
  PostgresEndpointStore,
} from '../../../functions/webhooks';
import { PostgresMerchantSettings } from '../../../functions/notifications';
import { paymentSnapshot } from '../../support/fixtures';

/** Each route's definition with its handler module. */
type ApiRoute = RouteDefinition & { entry: string };
const ROUTES: readonly ApiRoute[] = API_ROUTES.map(({ route, entry }) => ({ ...route, entry }));

const RUNS = Number(process.env.RAMPAY_PROPERTY_RUNS ?? 30);
const SEED = Number(process.env.RAMPAY_PROPERTY_SEED ?? 20261207);
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

mockSns();
// Webhook secrets sealed with a key file of the test's own; endpoints on 127.0.0.1, so no request needs DNS.
process.env.WEBHOOKS_SECRET_KEY_FILE = path.join(
  mkdtempSync(path.join(tmpdir(), 'rampay-hostile-')),
  'webhooks.key',
);
process.env.WEBHOOKS_ALLOW_LOOPBACK_HTTP = 'true';
const doc = openApiDocument() as unknown as OpenApiDocument;
let db: TestDatabase;
const handlers = new Map<ApiRoute, LambdaApiHandler>();

/** Two merchants, each with payments whose customer data is marked so that a leak is recognisable. */
const MERCHANTS = ['merchant_a', 'merchant_b'] as const;
type Merchant = (typeof MERCHANTS)[number];
const seeded: Record<
  Merchant,
  { paymentIds: string[]; endpointIds: string[]; deliveryIds: string[]; markers: string[] }
> = {
  merchant_a: { paymentIds: [], endpointIds: [], deliveryIds: [], markers: [] },
  merchant_b: { paymentIds: [], endpointIds: [], deliveryIds: [], markers: [] },
};
/** Puts the seeded webhook endpoints and deliveries back as they were (a route's run may delete or disable them). */
let seedWebhooks: () => Promise<void> = async () => undefined;
const OWN_SCOPES = SCOPES.filter((s) => s !== 'analytics:admin' && s !== 'reviews:operate');

// Log lines, raw, as the handlers print them.
const logged: string[] = [];
let restoreLogs: () => void = () => undefined;

beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
  for (const route of ROUTES) {
    const module = (await import(path.join(REPOSITORY_ROOT, route.entry))) as { handler: LambdaApiHandler };
    handlers.set(route, module.handler);
  }
  const create = handlers.get(ROUTES.find((r) => r.name === 'CreatePayment')!)!;
  for (const merchant of MERCHANTS) {
    for (let i = 0; i < 3; i++) {
      const marker = `secret-${merchant}-${i}`;
      const body = paymentRequest({
        customer: { id: `cus_${marker}`, email: `${marker}@example.org` },
        description: `description ${marker}`,
        metadata: { marker },
      });
      const res = await invoke(create, 'CreatePayment', {
        path: '/payments',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'idempotency-key': `seed-${marker}` },
        caller: { merchantId: merchant, scopes: [...SCOPES] },
      });
      expect(res.statusCode).toBe(201);
      const id = (JSON.parse(res.body!) as { id: string }).id;
      seeded[merchant].paymentIds.push(id);
      seeded[merchant].markers.push(marker, id);
    }
    // Refundable and reportable.
    await db.sql`update payments set status = 'approved' where id = ${seeded[merchant].paymentIds[0]!}`;
  }
  const sealer = new EnvelopeSealer(LocalKeyWrapper.fromFile(process.env.WEBHOOKS_SECRET_KEY_FILE!));
  const endpoints = new PostgresEndpointStore(db.sql);
  const deliveries = new PostgresDeliveryStore(db.sql);
  for (const merchant of MERCHANTS) {
    // One endpoint each, so that a valid redelivery's endpoint and delivery belong together.
    for (let i = 0; i < 1; i++) {
      const id = crypto.randomUUID();
      const marker = `secret-${merchant}-endpoint-${i}`;
      await endpoints.create({
        id,
        merchantId: merchant,
        url: `http://127.0.0.1:9/${marker}`,
        events: null,
        description: marker,
        secretSealed: await sealer.seal(`whsec_${randomBytes(32).toString('base64')}`, id),
      });
      seeded[merchant].endpointIds.push(id);
      seeded[merchant].markers.push(marker, id);
    }
    const payment = paymentSnapshot({ merchantId: merchant, id: seeded[merchant].paymentIds[0]! });
    const event = buildEvent('PaymentCreated', {
      merchantId: merchant,
      paymentId: payment.id,
      correlationId: `seed-${merchant}`,
      data: { payment },
    });
    const written = await deliveries.fanOut(db.sql, event, JSON.stringify(event));
    seeded[merchant].deliveryIds.push(...written);
    seeded[merchant].markers.push(...written);
  }
  // Each merchant's notification address, marked: another merchant's settings never show it.
  for (const merchant of MERCHANTS) {
    const address = `secret-${merchant}-ops@example.org`;
    await new PostgresMerchantSettings(db.sql).put(merchant, { notificationEmail: address });
    seeded[merchant].markers.push(address);
  }
  const endpointRows = await db.sql`select * from webhook_endpoints`;
  const deliveryRows = await db.sql`select * from webhook_deliveries`;
  seedWebhooks = async () => {
    await db.sql`delete from webhook_endpoints`;
    await db.sql`insert into webhook_endpoints ${db.sql(endpointRows)}`;
    await db.sql`insert into webhook_deliveries ${db.sql(deliveryRows)}`;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    logged.push(String(chunk));
    return true;
  });
  restoreLogs = () => {
    out.mockRestore();
    err.mockRestore();
  };
}, 60_000);

afterAll(async () => {
  restoreLogs();
  await db?.stop();
});

type CallerSpec = { merchantId: unknown; scopes: string[] } | 'anonymous';

interface SentRequest {
  valid: boolean;
  path: string;
  pathParameters?: Record<string, string>;
  query?: string;
  headers: Record<string, string>;
  body?: string;
  /** bytes sent base64-encoded (API Gateway does so for binary bodies) */
  base64Body?: Uint8Array;
  caller: CallerSpec;
}

async function invoke(
  handler: LambdaApiHandler,
  routeName: string,
  request: Omit<SentRequest, 'valid'>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const route = ROUTES.find((r) => r.name === routeName)!;
  const url = request.query ? `${request.path}?${request.query}` : request.path;
  const jwt =
    request.caller === 'anonymous'
      ? undefined
      : {
          claims: {
            [MERCHANT_CLAIM]: request.caller.merchantId,
            sub: 'tester',
            scope: request.caller.scopes.join(' '),
          },
          scopes: request.caller.scopes,
        };
  const event = apiGatewayEvent(
    { method: route.method, url, headers: request.headers, ...(request.body ? { body: request.body } : {}) },
    { route, entry: route.entry, pathParameters: request.pathParameters ?? {} },
    jwt,
  );
  if (!request.pathParameters) delete event.pathParameters;
  if (request.base64Body) {
    event.body = Buffer.from(request.base64Body).toString('base64');
    event.isBase64Encoded = true;
  }
  return (await handler(event, lambdaContext(route.name))) as APIGatewayProxyStructuredResultV2;
}

/** A digest of every table's rows: equal before and after a request means it wrote nothing. */
async function snapshot(): Promise<string> {
  const tables = await db.sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`;
  const parts = tables.map(
    ({ name }) =>
      `(select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from "${name}" t) as "${name}"`,
  );
  const [row] = await db.sql.unsafe(`select ${parts.join(', ')}`);
  return JSON.stringify(row);
}

/** Percent-encoding of any string; a lone surrogate goes as the three bytes a careless encoder would send. */
function percentEncode(text: string): string {
  return text.replace(/[\s\S]/gu, (char) => {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    }
    return encodeURIComponent(char);
  });
}
const encode = (value: unknown) =>
  percentEncode(typeof value === 'string' ? value : String(JSON.stringify(value)));

const ownCaller = fc
  .constantFrom(...MERCHANTS)
  .map((merchantId) => ({ merchantId, scopes: [...OWN_SCOPES] }));
// A fraud operator: the operator routes' valid caller, who sees every merchant's review queue by design.
const operatorCaller = fc
  .constantFrom(...MERCHANTS)
  .map((merchantId) => ({ merchantId, scopes: [...OWN_SCOPES, 'reviews:operate'] }));
const OPERATOR = (route: ApiRoute) => route.scope === 'reviews:operate';
const hostileCaller: fc.Arbitrary<CallerSpec> = fc.oneof(
  fc.constant('anonymous' as const),
  fc
    .oneof(hostileValue, fc.constantFrom('*', '', 'x'.repeat(3000), 'merchant_a\u0000'))
    .map((merchantId) => ({ merchantId, scopes: [...SCOPES] })),
  fc.constantFrom(...MERCHANTS).map((merchantId) => ({ merchantId, scopes: ['payments:read'] })),
  fc.constantFrom(...MERCHANTS).map((merchantId) => ({ merchantId, scopes: [] as string[] })),
);

/** A path segment for an id: the caller's payment, another merchant's, an unknown one, or hostile bytes. */
const ownMerchant = (caller: CallerSpec): Merchant =>
  caller !== 'anonymous' && caller.merchantId === 'merchant_b' ? 'merchant_b' : 'merchant_a';

/** What a path parameter names: a payment, a webhook endpoint or one of its deliveries. */
type Named = 'paymentIds' | 'endpointIds' | 'deliveryIds';
function namedBy(route: ApiRoute, parameter: string): Named {
  if (!route.path.startsWith('/webhook-endpoints')) return 'paymentIds';
  return parameter === 'deliveryId' ? 'deliveryIds' : 'endpointIds';
}

function pathSegment(own: Merchant, hostile: boolean, named: Named = 'paymentIds'): fc.Arbitrary<string> {
  const other = own === 'merchant_a' ? 'merchant_b' : 'merchant_a';
  const ownIds = fc.constantFrom(...seeded[own][named]);
  if (!hostile) return ownIds;
  return fc.oneof(
    ownIds.map((id) => id.toUpperCase()),
    fc.constantFrom(...seeded[other][named]),
    fc.uuid(),
    hostileString.map(percentEncode),
    fc.constantFrom('%', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00', '%ZZ', '%25', '..%2F..'),
  );
}

/** A generated string is no URL a webhook can go to: valid registrations name a local endpoint. */
function validBodyFor(route: ApiRoute, body: unknown): unknown {
  if (route.name !== 'CreateWebhookEndpoint') return body;
  return { ...(body as object), url: `http://127.0.0.1:9/hooks/${crypto.randomUUID()}` };
}

interface Parts {
  caller: CallerSpec;
  segments: string[];
  query: string[];
  key: string;
  contentType: string;
  body: Pick<SentRequest, 'body' | 'base64Body'>;
}

/**
 * A valid request, or a valid request with exactly one part made hostile (the caller, a path segment, a query
 * parameter, the Idempotency-Key, the content type or the body), so that each hostile part reaches as deep as it can.
 */
function requestOf(route: ApiRoute, op: OpenApiOperation): fc.Arbitrary<SentRequest> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const queryParameters = op.parameters.filter((p) => p.in === 'query');
  const idempotent = op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const validBody = bodySchema
    ? validValue(doc, bodySchema).map((body) => validBodyFor(route, body))
    : fc.constant(undefined);

  const valid: fc.Arbitrary<Parts & { bodyValue: unknown }> = (
    OPERATOR(route) ? operatorCaller : ownCaller
  ).chain((caller) =>
    fc.record({
      caller: fc.constant(caller as CallerSpec),
      segments: fc.tuple(
        ...pathNames.map((name) => pathSegment(ownMerchant(caller), false, namedBy(route, name))),
      ),
      // Half the valid requests leave every optional parameter out: a random cursor or date range alone would
      // make most of them refusals, and every route must also be seen to succeed.
      query: fc
        .boolean()
        .chain((minimal) =>
          fc.tuple(
            ...queryParameters.map((p) => {
              const good = validValue(doc, p.schema, p.name).map((v) => `${p.name}=${encode(v)}`);
              if (p.required) return good;
              return minimal ? fc.constant(undefined) : fc.option(good, { nil: undefined });
            }),
          ),
        )
        .map((parts) => parts.filter((p): p is string => p !== undefined)),
      key: fc.uuid() as fc.Arbitrary<string>,
      contentType: fc.constant('application/json'),
      bodyValue: validBody,
      body: fc.constant({}),
    }),
  );

  type Mutation = (parts: Parts & { bodyValue: unknown }) => fc.Arbitrary<Parts>;
  const mutations: Mutation[] = [
    (parts) => hostileCaller.map((caller) => ({ ...parts, caller })),
    (parts) =>
      fc.constantFrom(...MERCHANTS).map((merchantId) => ({
        ...parts,
        caller: { merchantId, scopes: [...OWN_SCOPES] },
      })),
    (parts) => hostileString.map((key) => ({ ...parts, key: idempotent ? key : parts.key })),
    (parts) =>
      fc
        .constantFrom('text/plain', 'multipart/form-data', 'application/xml', '')
        .map((contentType) => ({ ...parts, contentType })),
    (parts) =>
      fc
        .tuple(
          fc.constantFrom(...queryParameters.map((p) => p.name), 'unknown'),
          fc.oneof(hostileValue.map(encode), fc.constantFrom('%', '%E0%A4%A', '%00', '%ED%A0%80', '')),
          fc.boolean(),
        )
        .map(([name, value, bare]) => ({
          ...parts,
          query: [...parts.query.filter((q) => !q.startsWith(`${name}=`)), bare ? name : `${name}=${value}`],
        })),
    (parts) => hostileRawBody.map((body) => ({ ...parts, body: { body } })),
    (parts) =>
      fc
        .uint8Array({ minLength: 1, maxLength: 40 })
        .map((bytes) => ({ ...parts, body: { base64Body: bytes } })),
  ];
  if (pathNames.length > 0) {
    mutations.push((parts) =>
      fc
        .nat(pathNames.length - 1)
        .chain((i) =>
          pathSegment(ownMerchant(parts.caller), true, namedBy(route, pathNames[i]!)).map(
            (segment) => [i, segment] as const,
          ),
        )
        .map(([i, segment]) => ({
          ...parts,
          segments: parts.segments.map((s, j) => (j === i ? segment : s)),
        })),
    );
  }
  if (queryParameters.length > 0) {
    mutations.push((parts) =>
      fc
        .tuple(fc.nat(Math.max(parts.query.length - 1, 0)), fc.constantFrom(...POISON))
        .map(([i, poison]) => ({
          ...parts,
          query: parts.query.map((q, j) => (j === i ? q + encode(poison) : q)),
        })),
    );
  }
  if (bodySchema) {
    mutations.push((parts) =>
      poisoned(parts.bodyValue).map((value) => ({ ...parts, body: { body: JSON.stringify(value) } })),
    );
    mutations.push((parts) =>
      mutated(parts.bodyValue).map((value) => ({ ...parts, body: { body: JSON.stringify(value) ?? '' } })),
    );
  }

  const toRequest = (isValid: boolean, parts: Parts & { bodyValue?: unknown }): SentRequest => {
    let requestPath = route.path;
    const pathParameters: Record<string, string> = {};
    pathNames.forEach((name, i) => {
      pathParameters[name] = parts.segments[i]!;
      requestPath = requestPath.replace(`{${name}}`, parts.segments[i]!);
    });
    const headers: Record<string, string> = {};
    if (parts.contentType) headers['content-type'] = parts.contentType;
    if (idempotent) headers['idempotency-key'] = parts.key;
    const body =
      parts.body.body !== undefined || parts.body.base64Body
        ? parts.body
        : parts.bodyValue === undefined
          ? {}
          : { body: JSON.stringify(parts.bodyValue) };
    return {
      valid: isValid,
      path: requestPath,
      ...(pathNames.length > 0 ? { pathParameters } : {}),
      query: parts.query.join('&'),
      headers,
      ...body,
      caller: parts.caller,
    };
  };
  return fc.oneof(
    { weight: 1, arbitrary: valid.map((parts) => toRequest(true, parts)) },
    {
      weight: 4,
      arbitrary: valid.chain((parts) =>
        fc
          .constantFrom(...mutations)
          .chain((mutate) => mutate(parts))
          .map((changed) => toRequest(false, { ...changed, bodyValue: parts.bodyValue })),
      ),
    },
  );
}

/** Text whose presence in a log line means the line carries SQL. */
const SQL_TEXT = /\b(select|insert\s+into|update\s+\w+\s+set|delete\s+from|returning|on\s+conflict)\b/i;
const FULL_EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

const routesWithOperations = ROUTES.map((route) => ({
  route,
  op: doc.paths[route.path]?.[route.method.toLowerCase()],
})).filter((r): r is { route: ApiRoute; op: OpenApiOperation } => r.op !== undefined);

/** Routes a valid request can succeed on without other state (a review needs a held payment; refunds run out). */
const MUST_SUCCEED = new Set(routesWithOperations.map((r) => r.route.name));
MUST_SUCCEED.delete('DecideReview');
MUST_SUCCEED.delete('CreateRefund');
MUST_SUCCEED.delete('DecideOperatorReview');

it('covers every route of the OpenAPI document', () => {
  expect(routesWithOperations.map((r) => `${r.route.method} ${r.route.path}`).sort()).toEqual(
    ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
  );
});

describe.each(routesWithOperations.map((r, i) => [`${r.route.method} ${r.route.path}`, r, i] as const))(
  '%s',
  (_name, { route, op }, index) => {
    it('answers every generated request below 500, refusals as problems that write nothing, and only with the caller’s data', async () => {
      const handler = handlers.get(route)!;
      let succeeded = 0;
      await fc.assert(
        fc.asyncProperty(requestOf(route, op), async (request) => {
          // Each request finds the endpoints as seeded (the one before may have deleted or disabled them).
          if (route.path.startsWith('/webhook-endpoints')) await seedWebhooks();
          const before = await snapshot();
          const res = await invoke(handler, route.name, request);
          const status = res.statusCode ?? 200;
          const headers = (res.headers ?? {}) as Record<string, string>;
          expect(status).toBeLessThan(500);
          if (status >= 400) {
            expect(headers['content-type']).toBe('application/problem+json');
            const problem = JSON.parse(res.body!) as {
              status: number;
              detail: string;
              errors?: { field: string; message: string }[];
            };
            expect(problem.status).toBe(status);
            expect(problem.detail).toMatch(/\w{3,}.*\w{3,}/);
            for (const error of problem.errors ?? []) {
              expect(error.field).toMatch(/\S/);
              expect(error.message).toMatch(/\w{3,}/);
            }
            if (status === 401) expect(headers['www-authenticate']).toMatch(/^Bearer/);
            expect(headers['x-correlation-id']).toBeTruthy();
            expect(await snapshot()).toBe(before);
          } else if (request.valid) {
            succeeded++;
          }
          const caller = request.caller === 'anonymous' ? undefined : request.caller.merchantId;
          // What the client sent may come back (an id in a 404's detail); nothing else of another merchant may.
          const sent = JSON.stringify(request);
          const foreign = MERCHANTS.filter((m) => m !== caller)
            .flatMap((m) => seeded[m].markers)
            .filter((marker) => !sent.includes(marker));
          const operator =
            OPERATOR(route) &&
            request.caller !== 'anonymous' &&
            request.caller.scopes.includes('reviews:operate');
          if (!operator) for (const marker of foreign) expect(res.body ?? '').not.toContain(marker);
          if (status < 300 && route.path.startsWith('/analytics')) {
            // Only analytics:admin may name another merchant (or * for all); everyone else gets their own.
            const admin = request.caller !== 'anonymous' && request.caller.scopes.includes('analytics:admin');
            const asked = new URLSearchParams(request.query).get('merchant');
            expect(JSON.parse(res.body!)).toMatchObject({ merchant: admin && asked ? asked : caller });
          }
        }),
        { seed: SEED + index, numRuns: RUNS },
      );
      if (MUST_SUCCEED.has(route.name)) expect(succeeded).toBeGreaterThan(0);
      const leaking = logged.filter((line) => SQL_TEXT.test(line) || FULL_EMAIL.test(line));
      expect(leaking).toEqual([]);
    }, 120_000);
  },
);
