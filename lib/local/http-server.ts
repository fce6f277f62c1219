import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { API_ROUTES, type ApiRoute } from '../../functions/api/routes';
import { Problem, problemResponse, problems } from '../../functions/shared/http/problem';
import { apiGatewayEvent, matchPath, matchRoute, type LambdaApiHandler } from './api-gateway';
import { lambdaContext } from './lambda-context';
import type { LocalJwtIssuer } from './jwt-issuer';

/** API Gateway's own payload limit is 10 MB; the handlers refuse far smaller bodies themselves. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');

export interface LocalRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Serves a platform-only page (not deployed), e.g. /openapi.json or /local/queues. */
  serve: () => Promise<{ status: number; body: unknown; contentType?: string }>;
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
      send(res, problemResponse(problems.badRequest(String((error as Error).message)), req.url));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly ApiRoute[],
  handlers: Map<string, LambdaApiHandler>,
  options: HttpServerOptions,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://localhost');
  const local = options.localRoutes?.find((r) => r.method === method && r.path === url.pathname);
  if (local) {
    const page = await local.serve();
    const contentType = page.contentType ?? 'application/json';
    res.writeHead(page.status, { 'content-type': contentType });
    res.end(
      contentType.startsWith('application/json') ? JSON.stringify(page.body, null, 2) : String(page.body),
    );
    return;
  }
  const match = matchRoute(routes, method, url.pathname);
  if (!match) {
    const other = routes.some(({ route }) => matchPath(route.path, url.pathname));
    const problem = other
      ? new Problem(
          405,
          'method-not-allowed',
          'Method not allowed',
          `${method} is not allowed on ${url.pathname}`,
        )
      : problems.notFound(`no route ${method} ${url.pathname}`);
    return send(res, problemResponse(problem, url.pathname));
  }
  const body = await readBody(req);
  if (body === undefined) {
    return send(
      res,
      problemResponse(problems.payloadTooLarge('the request body is larger than 10 MB'), url.pathname),
    );
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
  let jwt: { claims: Record<string, unknown>; scopes: string[] } | undefined;
  if (match.route.scope !== 'public') {
    const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!token)
      return send(
        res,
        problemResponse(
          problems.unauthorized('send a bearer token in the Authorization header'),
          url.pathname,
        ),
      );
    try {
      const claims = await options.issuer.verify(token);
      jwt = { claims, scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : [] };
    } catch (error) {
      const why =
        (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
          ? 'the token has expired'
          : 'the token is not valid';
      return send(
        res,
        problemResponse(problems.unauthorized(`${why}; get a new one with npm run token`), url.pathname),
      );
    }
  }
  const event = apiGatewayEvent(
    { method, url: req.url ?? '/', headers, body: body.length > 0 ? body : undefined },
    match,
    jwt,
  );
  const result = await handlers.get(match.entry)!(event, lambdaContext(match.route.name));
  send(res, result);
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
): void {
  res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  res.end(result.body ?? '');
}
