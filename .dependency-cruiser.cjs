/**
 * Import rules of RamPay (docs/ARCHITECTURE.md): dependencies point down.
 *
 *   functions/domain/      pure domain; imports only itself (and zod, uuid)
 *   functions/shared/      platform plumbing; imports the domain, never a service or the API
 *   functions/<service>/   payments, fraud, notifications, analytics, housekeeping, auth: sealed behind index.ts
 *   functions/api/         the route list and the OpenAPI document
 *   lib/, bin/             programs that use the functions
 *
 * A service's files may import each other freely; anything outside the service imports only its index.ts, with
 * two exceptions for what the rest of the code must not call but the API has to describe or run:
 * - handler files (functions/<service>/handlers/*.ts) are the Lambda entry points: the route list
 *   (functions/api/) and the local platform (lib/local/), which runs them as Lambda does, may import them;
 * - a service's request and response schemas (schemas.ts, response-schemas.ts) are its HTTP contract: the
 *   OpenAPI document (functions/api/) may import them.
 *
 * `npm test` checks these rules (test/architecture/imports.test.ts); `npx depcruise functions lib bin` lists the
 * violations on the command line.
 */
const SERVICES = ['payments', 'fraud', 'notifications', 'analytics', 'housekeeping', 'auth'];
const SERVICE = `(${SERVICES.join('|')})`;
/** A service's public face. */
const PUBLIC_FACE = `^functions/${SERVICE}/index\\.ts$`;
const HANDLER = `^functions/${SERVICE}/handlers/`;
const HTTP_CONTRACT = `^functions/${SERVICE}/(response-)?schemas\\.ts$`;

/* global module */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: the modules cannot be understood, tested or loaded one without the other.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'service-internals-from-another-service',
      comment:
        'A service imports another service only through its index.ts (ports, use cases, composition), never ' +
        'its adapters, use cases, handlers or other files.',
      severity: 'error',
      from: { path: `^functions/${SERVICE}/` },
      to: { path: `^functions/${SERVICE}/`, pathNot: [`^functions/$1/`, PUBLIC_FACE] },
    },
    {
      name: 'service-internals-from-outside',
      comment:
        'Code outside the services (shared plumbing, the API, lib/, bin/) reaches a service only through its ' +
        'index.ts.',
      severity: 'error',
      from: { pathNot: [`^functions/${SERVICE}/`, '^functions/api/', '^lib/local/'] },
      to: { path: `^functions/${SERVICE}/`, pathNot: PUBLIC_FACE },
    },
    {
      name: 'service-internals-from-the-api',
      comment:
        'The route list and the OpenAPI document import handler files (the Lambda entry points) and the ' +
        "services' schemas (their HTTP contract), and otherwise reach a service only through its index.ts.",
      severity: 'error',
      from: { path: '^functions/api/' },
      to: { path: `^functions/${SERVICE}/`, pathNot: [PUBLIC_FACE, HANDLER, HTTP_CONTRACT] },
    },
    {
      name: 'service-internals-from-the-local-platform',
      comment:
        'The local platform runs handler files as Lambda does, and otherwise reaches a service only through its ' +
        'index.ts.',
      severity: 'error',
      from: { path: '^lib/local/' },
      to: { path: `^functions/${SERVICE}/`, pathNot: [PUBLIC_FACE, HANDLER] },
    },
    {
      name: 'shared-and-domain-stay-below-services',
      comment:
        'functions/shared and functions/domain sit below the services and the API: they import neither.',
      severity: 'error',
      from: { path: '^functions/(shared|domain)/' },
      to: { path: [`^functions/${SERVICE}/`, '^functions/api/'] },
    },
    {
      name: 'domain-is-pure',
      comment:
        'The domain imports only the domain, zod (its event schemas) and uuid (its ids): no plumbing, no ' +
        'database, no AWS.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { pathNot: ['^functions/domain/', '(^|/)node_modules/(zod|uuid)/'] },
    },
    {
      name: 'infrastructure-reads-definitions-only',
      comment:
        'The CDK app reads what the functions declare: the API (the route list and its definitions), the ' +
        'event topology, the metric catalogue, the scopes, the event types and the rate-limit settings schema; never their code.',
      severity: 'error',
      from: { path: '^lib/infra/' },
      to: {
        path: '^functions/',
        pathNot: [
          '^functions/api/',
          '^functions/shared/http/(auth|routes?|route-definition|rate-limit-settings)\\.ts$',
          '^functions/shared/events/',
          '^functions/shared/metrics/catalogue\\.ts$',
          '^functions/shared/db/sql-layout\\.ts$',
          '^functions/domain/(events|event-types)\\.ts$',
        ],
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing (a moved or deleted module).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports are dependencies too: a circle through `import type` is still a circle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: ['^test/', '(^|/)node_modules/', '^cdk\\.out/'] },
    // node_modules is a symbolic link in some checkouts: keep package paths under node_modules/.
    preserveSymlinks: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
