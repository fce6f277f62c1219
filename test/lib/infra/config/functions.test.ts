import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_ROUTES } from '../../../../functions/api/routes';
import { CONSUMER_NAMES } from '../../../../functions/shared/events/topology';
import {
  FUNCTIONS,
  resolveFunctions,
  routesOf,
  type FunctionSpec,
} from '../../../../lib/infra/config/functions';

describe('the function table', () => {
  it('has one consumer row per consumer of the topology table', () => {
    const consumers = FUNCTIONS.flatMap((f) => (f.trigger.kind === 'consumer' ? [f.trigger.consumer] : []));
    expect([...consumers].sort()).toEqual([...CONSUMER_NAMES].sort());
  });

  it('gives every route of functions/api/routes.ts an api row, and every present api row a route', () => {
    const { active } = resolveFunctions();
    for (const route of API_ROUTES) {
      expect(FUNCTIONS.find((f) => f.entry === route.entry)?.trigger.kind).toBe('api');
    }
    for (const spec of active.filter((f) => f.trigger.kind === 'api')) {
      expect(routesOf(spec).length).toBeGreaterThan(0);
    }
  });

  it('has the outbox relay on a one-minute schedule, and only the fraud consumer needs onnxruntime', () => {
    const relay = FUNCTIONS.find((f) => f.id === 'OutboxRelay');
    expect(relay?.trigger).toEqual({ kind: 'schedule', expression: 'rate(1 minute)' });
    expect(FUNCTIONS.filter((f) => f.onnx).map((f) => f.id)).toEqual(['FraudConsumer']);
  });

  describe('resolveFunctions', () => {
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

    it('leaves out a row whose issue has not landed, and keeps the present ones', () => {
      const result = resolveFunctions(
        [row({}), row({ id: 'Later', entry: 'h/later.ts', landsWith: 'issue 9' })],
        [],
        root,
      );
      expect(result.active.map((f) => f.id)).toEqual(['Present']);
      expect(result.pending.map((f) => f.id)).toEqual(['Later']);
    });

    it('keeps an API slot pending until its route exists too', () => {
      const slot = row({ id: 'Slot', trigger: { kind: 'api' }, landsWith: 'issue 9' });
      expect(resolveFunctions([slot], [], root).pending.map((f) => f.id)).toEqual(['Slot']);
      const route = {
        method: 'GET' as const,
        path: '/slot',
        scope: 'public' as const,
        entry: 'h/present.ts',
        name: 'Slot',
      };
      expect(resolveFunctions([slot], [route], root).active.map((f) => f.id)).toEqual(['Slot']);
    });

    it('fails on a missing handler that should be there, naming it', () => {
      expect(() => resolveFunctions([row({ id: 'Gone', entry: 'h/gone.ts' })], [], root)).toThrow(
        'Gone: handler h/gone.ts is missing',
      );
    });

    it('fails on a route without an api row and on an api row without a route', () => {
      const route = {
        method: 'GET' as const,
        path: '/x',
        scope: 'public' as const,
        entry: 'h/other.ts',
        name: 'X',
      };
      expect(() => resolveFunctions([row({ trigger: { kind: 'api' } })], [route], root)).toThrow(
        /Present: no route in functions\/api\/routes.ts has entry h\/present.ts[\s\S]*route GET \/x: no api row/,
      );
    });

    it('fails on a duplicate id', () => {
      expect(() => resolveFunctions([row({}), row({})], [], root)).toThrow('duplicate id Present');
    });
  });
});
