import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AnyEventEnvelope } from '../../../../functions/domain/events';
import { defineConsumer } from '../../../../functions/shared/consumer/consumer';
import { wasProcessed } from '../../../../functions/shared/consumer/inbox';
import { consumerHandler } from '../../../../functions/shared/consumer/runtime';
import { CONSUMERS, type ConsumerName } from '../../../../functions/shared/events/topology';
import { consumerFailuresRoute } from '../../../../lib/local/consumer-failures';
import { startLocalMessaging, type LocalMessaging } from '../../../../lib/local/messaging';
import { runDlqCli } from '../../../../lib/ops/dlq/cli';
import { eventOfType, paymentCreated } from '../../../functions/shared/consumer/fixtures';
import { startTestDatabase, type TestDatabase } from '../../../support/database';
import { waitFor } from '../../local/wait';
import { captureIo } from './io';

const FAST = { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 };
let db: TestDatabase;
let messaging: LocalMessaging;
let http: Server;
let localUrl: string;
/** Per consumer, the event ids it fails on while "broken". */
const poison = {
  fraud: new Set<string>(),
  notifications: new Set<string>(),
  analytics: new Set<string>(),
  webhooks: new Set<string>(),
};

function consumer(name: ConsumerName) {
  return consumerHandler(
    defineConsumer({
      name,
      handles: CONSUMERS[name].events,
      handle: async (event, ctx) => {
        // A bug whose message quotes a customer's address: peek must say it failed, and never show the address.
        if (poison[name].has(event.id)) throw new TypeError('no route to ada@example.com');
        await ctx.tx`insert into test_effects (event_id, consumer) values (${event.id}, ${name})`;
      },
    }),
    { sql: () => db.sql, publisher: () => messaging.publisher, logger: new Logger({ logLevel: 'SILENT' }) },
  );
}

beforeAll(async () => {
  db = await startTestDatabase();
  await db.sql`create table test_effects (event_id text not null, consumer text not null)`;
  messaging = await startLocalMessaging({
    settings: { fraud: FAST, analytics: FAST, notifications: FAST },
    waitTimeSeconds: 1,
    consumers: { fraud: consumer('fraud'), analytics: consumer('analytics') },
    onError: () => undefined,
  });
  // What the local platform serves at GET /local/queues and GET /local/consumer-failures.
  const failures = consumerFailuresRoute(db.sql);
  http = createServer((req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    const answer = (page: { status: number; body: unknown; contentType?: string }) =>
      res
        .writeHead(page.status, { 'content-type': page.contentType ?? 'application/json' })
        .end(typeof page.body === 'string' ? page.body : JSON.stringify(page.body));
    if (url.pathname === '/local/queues') {
      return void messaging.describe().then((body) => answer({ status: 200, body }));
    }
    if (url.pathname === failures.path) return void failures.serve({ url }).then(answer);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  localUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => http?.close(resolve));
  await messaging?.stop();
  await db?.stop();
});

const cli = async (...argv: string[]) => {
  const io = captureIo();
  const code = await runDlqCli([...argv, '--local-url', localUrl], { io });
  return { code, io };
};
const status = async (consumerName: ConsumerName) =>
  (await messaging.depths()).find((d) => d.consumer === consumerName)!;
const effects = async (eventId: string, name: ConsumerName) =>
  (await db.sql`select 1 from test_effects where event_id = ${eventId} and consumer = ${name}`).length;

async function intoDlq(name: ConsumerName, events: AnyEventEnvelope[]): Promise<void> {
  for (const e of events) poison[name].add(e.id);
  const before = (await status(name)).dlq.visible;
  await messaging.publisher.publish(events);
  await waitFor(async () => (await status(name)).dlq.visible === before + events.length);
}

describe('dlq CLI on the local platform', () => {
  it('a poison message reaches the DLQ; peek shows it; replay brings it back and, fixed, it is processed once', async () => {
    const bad = paymentCreated();
    await intoDlq('fraud', [bad]);
    expect(await wasProcessed(db.sql, 'fraud', bad.id)).toBe(false);

    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(
      list.io.lines
        .find((l) => l.startsWith('rampay-local-fraud-dlq'))!
        .split(/\s+/)
        .slice(0, 4),
    ).toEqual(['rampay-local-fraud-dlq', 'fraud', '1', '0']);

    const peek = await cli('peek', 'fraud');
    expect(peek.code).toBe(0);
    const row = peek.io.lines.find((l) => l.includes(bad.id))!.split(/\s+/);
    expect(row.slice(1, 4)).toEqual(['PaymentCreated', bad.id, bad.paymentId]);
    expect((await status('fraud')).dlq.visible).toBe(1); // peek left it there
    // The body, customers' contacts masked, and why it failed: the last of its FAST.maxReceiveCount failures, as
    // the consumer runtime kept it, with the error's class but not its message, which quotes an address.
    const shown = peek.io.lines.join('\n');
    expect(shown).toContain(`"id": "${bad.id}"`);
    expect(shown).toContain('"email": "a***@example.com"');
    expect(shown).not.toContain('ada@example.com');
    expect(peek.io.lines.find((l) => l.startsWith('why it failed'))).toMatch(
      new RegExp(
        '^why it failed: TypeError: (thrown at \\S+; )?its message is not kept: it may quote customer data ' +
          `\\(delivery ${FAST.maxReceiveCount}, at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; ` +
          "from the local platform's record of the fraud consumer's failures\\)$",
      ),
    );

    const dry = await cli('replay', 'fraud', '--dry-run');
    expect(dry.io.lines).toContain('would move 1, skipped 0, failed 0');
    expect((await status('fraud')).dlq.visible).toBe(1);

    poison.fraud.delete(bad.id); // the consumer is fixed
    const replay = await cli('replay', 'fraud');
    expect(replay.code).toBe(0);
    expect(replay.io.lines).toContain('moved 1, skipped 0, failed 0');
    await waitFor(() => wasProcessed(db.sql, 'fraud', bad.id));
    await waitFor(async () => (await status('fraud')).queue.inFlight === 0);
    expect(await effects(bad.id, 'fraud')).toBe(1);
    expect((await status('fraud')).dlq.visible).toBe(0);

    // Replaying the same event again (say, a stale copy) changes nothing.
    await messaging.publisher.publish([bad]);
    await waitFor(async () => {
      const s = await status('fraud');
      return s.queue.visible === 0 && s.queue.inFlight === 0;
    });
    expect(await effects(bad.id, 'fraud')).toBe(1);
  });

  it('replay --type moves only that type and leaves the rest in the DLQ', async () => {
    const created = eventOfType('PaymentCreated');
    const refunded = eventOfType('PaymentRefunded');
    await intoDlq('analytics', [created, refunded]);
    poison.analytics.clear();
    const replay = await cli('replay', 'rampay-local-analytics-dlq', '--type', 'PaymentRefunded');
    expect(replay.code).toBe(0);
    expect(replay.io.lines).toContain('moved 1, skipped 1, failed 0');
    await waitFor(() => wasProcessed(db.sql, 'analytics', refunded.id));
    expect(await wasProcessed(db.sql, 'analytics', created.id)).toBe(false);
    expect((await status('analytics')).dlq.visible).toBe(1);
  });

  it('GET /local/consumer-failures refuses a query that names no known consumer or no event, saying what to fix', async () => {
    const answer = await fetch(`${localUrl}/local/consumer-failures?consumer=billing`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await answer.json()) as { detail: string };
    expect(problem.detail).toContain(
      'query.consumer: must be one of fraud, notifications, analytics, webhooks',
    );
    expect(problem.detail).toContain('query.event_id: name at least one event_id');
  });

  it('status on the local platform explains there are no move tasks and shows the depths', async () => {
    const result = await cli('status');
    expect(result.code).toBe(0);
    expect(result.io.lines[0]).toMatch(/no message move tasks/);
    expect(result.io.text()).toContain('rampay-local-notifications-dlq');
  });

  it('a local platform that does not answer is one line, exit 1', async () => {
    const io = captureIo();
    const code = await runDlqCli(['list', '--local-url', 'http://127.0.0.1:1'], { io });
    expect(code).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0]).toMatch(
      /^error: the local platform does not answer at http:\/\/127.0.0.1:1\/local\/queues/,
    );
  });
});
