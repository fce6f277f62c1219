/**
 * The console and the API reference on the local platform: `/` serves the React console built from console/
 * (Vite), `/config.json` tells it to sign in with a local token (the dev token `npm start` prints), and `/docs`
 * is Swagger UI (from node_modules, no CDN) reading /openapi.json.
 *
 * The console is built on demand: when console/dist is missing or older than a source file, the platform runs
 * `vite build` before it serves (a fresh clone's first `npm start` or `npm test` builds it, once).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { logger } from '../../functions/shared/logger';
import type { LocalRoute } from './http-server';

const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..');
export const CONSOLE_DIR = path.join(REPOSITORY_ROOT, 'console');
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('dist') || entry.name === 'node_modules') continue;
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(file) : (await stat(file)).mtimeMs);
  }
  return newest;
}

/** Builds the console when its build is missing or older than its sources; answers whether it built. */
export async function ensureConsoleBuilt(): Promise<boolean> {
  const index = path.join(CONSOLE_DIST, 'index.html');
  if (existsSync(index) && (await stat(index)).mtimeMs >= (await newestSource(CONSOLE_DIR))) return false;
  logger.info('building the console (vite build console)');
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  // Built beside dist and then swapped in, so that a platform serving the previous build never sees a half one.
  const staging = `${CONSOLE_DIST}.${process.pid}`;
  await promisify(execFile)(
    process.execPath,
    [vite, 'build', CONSOLE_DIR, '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: REPOSITORY_ROOT },
  );
  await rm(CONSOLE_DIST, { recursive: true, force: true });
  await rename(staging, CONSOLE_DIST);
  return true;
}

function fileRoute(urlPath: string, file: string): LocalRoute {
  const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  return {
    method: 'GET',
    path: urlPath,
    serve: async () => ({ status: 200, body: await readFile(file, 'utf8'), contentType }),
  };
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>RamPay API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/reference.js"></script>
  </body>
</html>
`;
const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true });\n`;

/** The local platform's console: built if it needs to be, then served with its config and the API reference. */
export async function consoleRoutes(): Promise<LocalRoute[]> {
  await ensureConsoleBuilt();
  const assets = await readdir(path.join(CONSOLE_DIST, 'assets'));
  return [
    fileRoute('/', path.join(CONSOLE_DIST, 'index.html')),
    ...assets.map((name) => fileRoute(`/assets/${name}`, path.join(CONSOLE_DIST, 'assets', name))),
    {
      method: 'GET',
      path: '/config.json',
      serve: async () => ({ status: 200, body: { apiUrl: '', signIn: { kind: 'dev' } } }),
    },
    {
      method: 'GET',
      path: '/docs',
      serve: async () => ({ status: 200, body: DOCS_PAGE, contentType: CONTENT_TYPES['.html'] }),
    },
    {
      method: 'GET',
      path: '/docs/reference.js',
      serve: async () => ({ status: 200, body: DOCS_SCRIPT, contentType: CONTENT_TYPES['.js'] }),
    },
    fileRoute('/docs/swagger-ui.css', path.join(SWAGGER_UI, 'swagger-ui.css')),
    fileRoute('/docs/swagger-ui-bundle.js', path.join(SWAGGER_UI, 'swagger-ui-bundle.js')),
  ];
}
