import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_ROUTES } from '../../../../functions/api/routes';
import { CONSUMER_NAMES } from '../../../../functions/shared/events/topology';
import {
  checkedFunctions,
  FUNCTIONS,
  routeFunction,
  SERVICES,
  type FunctionSpec,
} from '../../../../lib/infra/config/functions';

describe('the function table', () => {
  it('has one consumer row per consumer of the topology table', () => {
    const consumers = FUNCTIONS.flatMap((f) => (f.trigger.kind === 'consumer' ? [f.trigger.consumer] : []));
    expect([...consumers].sort()).toEqual([...CONSUMER_NAMES].sort());
  });

  it('has one api row per route of functions/api/routes.ts, and no other', () => {
    const api = FUNCTIONS.filter((f) => f.trigger.kind === 'api');
    const routes = api.map((f) => f.trigger.kind === 'api' && f.trigger.route);
    expect(routes).toHaveLength(API_ROUTES.length);
    expect(new Set(routes)).toEqual(new Set(API_ROUTES.map((r) => r.route)));
    for (const { route, entry } of API_ROUTES) {
      expect(api.find((f) => f.trigger.kind === 'api' && f.trigger.route === route)?.entry).toBe(entry);
    }
  });

  it('groups the rows by service, in the order of SERVICES, routes in route list order', () => {
    const services = FUNCTIONS.map((f) => f.service);
    expect(services).toEqual([...services].sort((a, b) => SERVICES.indexOf(a) - SERVICES.indexOf(b)));
    const api = FUNCTIONS.filter((f) => f.trigger.kind === 'api');
    for (const service of SERVICES) {
      expect(api.filter((f) => f.service === service).map((f) => f.id)).toEqual(
        API_ROUTES.filter((r) => r.entry.startsWith(`functions/${service}/`)).map((r) => r.route.name),
      );
    }
  });

  it('names each api row after its route, in the service folder of its handler, with what the route says', () => {
    for (const { route, entry } of API_ROUTES) {
      const row = FUNCTIONS.find((f) => f.trigger.kind === 'api' && f.trigger.route === route);
      expect(row).toEqual({
        id: route.name,
        service: entry.split('/')[1],
        entry,
        description: route.function.description ?? `${route.method} ${route.path}`,
        trigger: { kind: 'api', route },
        database: route.function.database,
        publishes: route.function.publishes,
        ...(route.function.webhookSecrets ? { capabilities: ['webhook-secrets'] } : {}),
      });
    }
    const byId = (id: string) => FUNCTIONS.find((f) => f.id === id);
    expect(byId('CreatePayment')).toMatchObject({
      service: 'payments',
      description: 'POST /payments',
      database: true,
      publishes: ['payments'],
    });
    expect(byId('Health')?.description).toBe('GET /health (liveness and database reachability)');
    expect(byId('ListNotifications')).toMatchObject({
      service: 'notifications',
      description: 'GET /payments/{id}/notifications',
    });
    expect(byId('DecideReview')).toMatchObject({ service: 'fraud', publishes: ['payments'] });
    expect(byId('CreateWebhookEndpoint')?.capabilities).toEqual(['webhook-secrets']);
    expect(byId('ListWebhookEndpoints')?.capabilities).toBeUndefined();
  });

  it('has the outbox relay on a one-minute schedule, and only the fraud consumer needs onnxruntime', () => {
    const relay = FUNCTIONS.find((f) => f.id === 'OutboxRelay');
    expect(relay?.trigger).toEqual({ kind: 'schedule', expression: 'rate(1 minute)' });
    expect(FUNCTIONS.filter((f) => f.onnx).map((f) => f.id)).toEqual(['FraudConsumer']);
  });

  it('refuses a route whose handler is outside a service folder', () => {
    const [first] = API_ROUTES;
    expect(() => routeFunction({ ...first!, entry: 'elsewhere/handler.ts' })).toThrow(
      `route ${first!.route.name}: its handler elsewhere/handler.ts is not in a service folder`,
    );
  });

  describe('checkedFunctions', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rampay-fn-'));
    fs.mkdirSync(path.join(root, 'h'));
    fs.writeFileSync(path.join(root, 'h', 'present.ts'), 'export const handler = 1;');
    const row = (over: Partial<FunctionSpec>): FunctionSpec => ({
      id: 'Present',
      service: 'payments',
      entry: 'h/present.ts',
      description: '',
      trigger: { kind: 'schedule', expression: 'rate(1 minute)' },
      database: false,
      publishes: [],
      ...over,
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it('passes the table when every handler is there and every id is unique', () => {
      expect(checkedFunctions()).toBe(FUNCTIONS);
      const rows = [row({}), row({ id: 'Other' })];
      expect(checkedFunctions(rows, root)).toBe(rows);
    });

    it('fails on a missing handler, naming it', () => {
      expect(() => checkedFunctions([row({}), row({ id: 'Gone', entry: 'h/gone.ts' })], root)).toThrow(
        'Gone: handler h/gone.ts is missing',
      );
    });

    it('fails on a duplicate id', () => {
      expect(() => checkedFunctions([row({}), row({})], root)).toThrow('duplicate id Present');
    });
  });
});
