/**
 * The route list agrees with everything built from it: each entry is the module that declares the route, and
 * every route appears exactly once in the OpenAPI document, the CDK function table and the local router, with
 * the scope its handler enforces.
 */
import path from 'node:path';
import { openApiDocument } from '../../../functions/api/openapi';
import { API_ROUTES, type ApiRoute } from '../../../functions/api/routes';
import { useSharedSql } from '../../../functions/shared/db/connection';
import { SCOPES } from '../../../functions/shared/http/auth';
import { FUNCTIONS, REPO_ROOT } from '../../../lib/infra/config/functions';
import { matchPath, matchRoute, type LambdaApiHandler } from '../../../lib/local/api-gateway';
import { call } from '../../support/api';
import { startTestDatabase, type TestDatabase } from '../../support/database';

type Operation = {
  operationId: string;
  security: { bearer: string[] }[];
  responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }>;
};
const document = openApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
const operations = Object.entries(document.paths).flatMap(([p, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path: p, method, operation })),
);

/** The path with each `{param}` filled in, as a client would send it. */
const concrete = (pattern: string) => pattern.replace(/\{\w+\}/g, '3f1b0c52-6a2e-4c1d-9d7e-2b8f4a6c0e91');
const camel = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const named = API_ROUTES.map((r) => [r.route.name, r] as [string, ApiRoute]);

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
  useSharedSql(db.sql);
});
afterAll(() => db.stop());

it('lists each name, method and path, and handler module once', () => {
  const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);
  unique(API_ROUTES.map((r) => r.route.name));
  unique(API_ROUTES.map((r) => `${r.route.method} ${r.route.path}`));
  unique(API_ROUTES.map((r) => r.entry));
});

describe.each(named)('%s', (_name, { route, entry }) => {
  it('is exported, with its handler, by its entry module', async () => {
    const module = (await import(path.join(REPO_ROOT, entry))) as { route: unknown; handler: unknown };
    expect(module.route).toBe(route);
    expect(typeof module.handler).toBe('function');
  });

  it('is one operation of the OpenAPI document, with its scope and a registered response schema', () => {
    const found = operations.filter((o) => o.operation.operationId === camel(route.name));
    expect(found.map((o) => [o.method, o.path])).toEqual([[route.method.toLowerCase(), route.path]]);
    const { operation } = found[0]!;
    expect(operation.security).toEqual(route.scope === 'public' ? [] : [{ bearer: [route.scope] }]);
    const { $ref } = operation.responses[route.response.status]!.content!['application/json'].schema;
    expect($ref).toBe(`#/components/schemas/${route.response.schema}`);
    expect(document.components.schemas[route.response.schema]).toBeDefined();
  });

  it('is served by one function of the CDK table, named after it, from its entry', () => {
    const rows = FUNCTIONS.filter((f) => f.trigger.kind === 'api' && f.trigger.route === route);
    expect(rows.map((f) => [f.id, f.entry])).toEqual([[route.name, entry]]);
    expect(FUNCTIONS.filter((f) => f.id === route.name)).toHaveLength(1);
  });

  it('is the one route the local router finds for its method and path', () => {
    const pathname = concrete(route.path);
    expect(matchRoute(API_ROUTES, route.method, pathname)?.entry).toBe(entry);
    const candidates = API_ROUTES.filter(
      (r) => r.route.method === route.method && matchPath(r.route.path, pathname),
    );
    expect(candidates.map((r) => r.entry)).toEqual([entry]);
  });

  it('has its handler enforce its scope', async () => {
    const { handler } = (await import(path.join(REPO_ROOT, entry))) as { handler: LambdaApiHandler };
    const url = concrete(route.path);
    if (route.scope === 'public') {
      const res = await call(handler, route.method, url, { anonymous: true });
      expect(res.status).toBe(route.response.status);
      return;
    }
    const anonymous = await call(handler, route.method, url, { anonymous: true });
    expect(anonymous.status).toBe(401);
    const others = SCOPES.filter((s) => s !== route.scope);
    const forbidden = await call(handler, route.method, url, { scopes: others });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toBe(`this operation needs the ${route.scope} scope`);
  });
});

it('refuses to build the document for a route whose response schema no module registers', () => {
  const [first] = API_ROUTES;
  const unregistered: ApiRoute = {
    ...first!,
    route: { ...first!.route, response: { status: 200, schema: 'NoSuchSchema' } },
  };
  expect(() => openApiDocument([unregistered])).toThrow(
    `${first!.route.name}: no response-schemas module registers a schema with id NoSuchSchema`,
  );
});
