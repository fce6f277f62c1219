import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { API_ROUTES, type ApiRoute } from '../../functions/api/routes';
import { errorFacts } from '../../functions/shared/error-facts';
import type { Scope } from '../../functions/shared/http/auth';
import { Problem, problemResponse, problems } from '../../functions/shared/http/problem';
import { logger } from '../../functions/shared/logger';
import { apiGatewayEvent, matchPath, matchRoute, type LambdaApiHandler } from './api-gateway';
import { lambdaContext } from './lambda-context';
import { TokenRejected, type LocalJwtIssuer } from './jwt-issuer';

/** API Gateway's own payload limit is 10 MB; the handlers refuse far smaller bodies themselves. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export interface LocalRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Pages that show customers' data need a token of the local issuer with this scope. */
  scope?: Scope;
  /** Serves a platform-only page (not deployed), e.g. /openapi.json or /local/queues. */
  serve: (request?: {
    claims?: JWTPayload;
    /** The request's address, for pages that take query parameters. */
    url?: URL;
  }) => Promise<{ status: number; body: unknown; contentType?: string }>;
}

export interface HttpServerOptions {
  port: number;
  issuer: LocalJwtIssuer;
  routes?: readonly ApiRoute[];
  localRoutes?: readonly LocalRoute[];
}

/** The same handlers API Gateway invokes, behind a local HTTP server that plays API Gateway and its JWT authorizer. */
export async function startHttpServer(options: HttpServerOptions): Promise<{ server: Server; url: string }> {
  const routes = options.routes ?? API_ROUTES;
  const handlers = new Map<string, LambdaApiHandler>();
  for (const { entry } of routes) {
    const module = (await import(path.join(REPOSITORY_ROOT, entry))) as { handler: LambdaApiHandler };
    handlers.set(entry, module.handler);
  }
  const server = createServer((req, res) => {
    serve(req, res, routes, handlers, options).catch((error: unknown) => {
      const correlationId = randomUUID();
      logger.error('local platform: unhandled error', { ...errorFacts(error), correlationId });
      const problem = new Problem(
        500,
        'internal',
        'Internal error',
        `something went wrong; quote ${correlationId}`,
      );
      send(res, problemResponse(problem, undefined, { 'x-correlation-id': correlationId }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

const CORRELATION_HEADER = 'x-correlation-id';

/** Every method a path answers, for a 405's Allow header (HEAD wherever GET is). */
function allowedMethods(
  routes: readonly ApiRoute[],
  locals: readonly LocalRoute[],
  pathname: string,
): string[] {
  const methods = new Set<string>();
  for (const { route } of routes) if (matchPath(route.path, pathname)) methods.add(route.method);
  for (const r of locals) if (r.path === pathname) methods.add(r.method);
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** The bearer token's claims, or the 401 API Gateway's JWT authorizer would answer. */
async function bearerClaims(
  issuer: LocalJwtIssuer,
  authorization: string | undefined,
): Promise<{ claims: JWTPayload } | { problem: Problem }> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { problem: problems.unauthenticated('send a bearer token in the Authorization header') };
  try {
    return { claims: await issuer.verify(token) };
  } catch (error) {
    const why = error instanceof TokenRejected ? error.message : 'the token is not valid';
    return { problem: problems.unauthorized(`${why}; get a new one with npm run token`) };
  }
}

function scopesOf(claims: JWTPayload): string[] {
  const listed = (claim: unknown) => (typeof claim === 'string' ? claim.split(' ').filter(Boolean) : []);
  return [...listed(claims.scope), ...listed(claims.scp)];
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly ApiRoute[],
  handlers: Map<string, LambdaApiHandler>,
  options: HttpServerOptions,
): Promise<void> {
  const requested = req.method ?? 'GET';
  // HEAD is answered as GET, without the body (RFC 9110).
  const head = requested === 'HEAD';
  const method = head ? 'GET' : requested;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const given = req.headers[CORRELATION_HEADER];
  const correlationId = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  res.setHeader(CORRELATION_HEADER, correlationId);
  const reply = (result: Parameters<typeof send>[1]) => send(res, result, head);
  const refuse = (problem: Problem, headers: Record<string, string> = {}) =>
    reply(problemResponse(problem, url.pathname, { [CORRELATION_HEADER]: correlationId, ...headers }));

  const locals = options.localRoutes ?? [];
  const local = locals.find((r) => r.method === method && r.path === url.pathname);
  if (local) {
    let claims: JWTPayload | undefined;
    if (local.scope) {
      const verified = await bearerClaims(options.issuer, req.headers.authorization);
      if ('problem' in verified) return refuse(verified.problem);
      if (!scopesOf(verified.claims).includes(local.scope))
        return refuse(problems.insufficientScope(local.scope));
      claims = verified.claims;
    }
    const page = await local.serve({ claims, url });
    const contentType = page.contentType ?? 'application/json';
    return reply({
      statusCode: page.status,
      headers: { 'content-type': contentType },
      body: contentType.startsWith('application/json')
        ? JSON.stringify(page.body, null, 2)
        : String(page.body),
    });
  }
  const match = matchRoute(routes, method, url.pathname);
  if (!match) {
    const allowed = allowedMethods(routes, locals, url.pathname);
    if (allowed.length > 0) {
      return refuse(
        new Problem(
          405,
          'method-not-allowed',
          'Method not allowed',
          `${requested} is not allowed on ${url.pathname}; use ${allowed.join(', ')}`,
        ),
        { allow: allowed.join(', ') },
      );
    }
    return refuse(problems.notFound(`no route ${requested} ${url.pathname}`));
  }
  const body = await readBody(req);
  if (body === undefined) return refuse(problems.payloadTooLarge('the request body is larger than 10 MB'));
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
  headers[CORRELATION_HEADER] = correlationId;
  let jwt: { claims: Record<string, unknown>; scopes: string[] } | undefined;
  if (match.route.scope !== 'public') {
    const verified = await bearerClaims(options.issuer, headers.authorization);
    if ('problem' in verified) return refuse(verified.problem);
    jwt = { claims: verified.claims, scopes: scopesOf(verified.claims) };
  }
  const event = apiGatewayEvent(
    { method, url: req.url ?? '/', headers, body: body.length > 0 ? body : undefined },
    match,
    jwt,
  );
  const result = await handlers.get(match.entry)!(event, lambdaContext(match.route.name));
  reply(result);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  result: { statusCode?: number; headers?: Record<string, string | number | boolean>; body?: string },
  head = false,
): void {
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(head ? undefined : (result.body ?? ''));
}
