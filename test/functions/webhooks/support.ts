/**
 * What the webhooks tests share: a local HTTP receiver whose answers the test scripts, and the webhooks service
 * on a test database and the local SNS/SQS, with its real queue, handler, sender and stores.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventType } from '../../../functions/domain/events';
import { OutboxPublisher } from '../../../functions/shared/outbox/committed-publisher';
import { buildEvent } from '../../../functions/shared/outbox/outbox';
import {
  DnsResolver,
  EnvelopeSealer,
  HttpSender,
  LocalKeyWrapper,
  PostgresDeliveryStore,
  PostgresEndpointStore,
  PublishedNotices,
  SqsDeliveryQueue,
  webhooksQueueHandler,
  type AddressResolver,
  type EndpointDeps,
  type EndpointDisabledEvent,
  type EndpointNotices,
  type WebhookSettings,
  type WebhooksRuntime,
} from '../../../functions/webhooks';
import { startLocalMessaging, type LocalMessaging } from '../../../lib/local/messaging';
import { startTestDatabase, type TestDatabase } from '../../support/database';
import { paymentSnapshot } from '../../support/fixtures';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** How the receiver answers one request: a status (and body), after an optional delay. */
export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
}

/** A receiver on 127.0.0.1: each path answers from its script (the last answer repeats), 200 by default. */
export class Receiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          at: Date.now(),
        });
        const script = this.scripts.get(path) ?? [];
        const answer = (script.length > 1 ? script.shift() : script[0]) ?? { status: 200 };
        setTimeout(() => {
          if (!res.destroyed)
            res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? 'ok');
        }, answer.delayMs ?? 0).unref();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  script(path: string, answers: Answer[]): string {
    this.scripts.set(path, answers);
    return `${this.url}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** A resolver with fixed answers for some names (e.g. an attacker's name that resolves to 127.0.0.1). */
export class FixedResolver implements AddressResolver {
  readonly answers = new Map<string, string[]>();
  private readonly system = new DnsResolver();

  async resolve(hostname: string): Promise<string[]> {
    return this.answers.get(hostname) ?? this.system.resolve(hostname);
  }
}

/** The service's notices (the event published after its commit), recording what they were given. */
export class RecordingNotices implements EndpointNotices {
  readonly events: EndpointDisabledEvent[] = [];
  constructor(private readonly notices: EndpointNotices) {}

  get disabled(): string[] {
    return this.events.map((e) => e.data.endpoint.id);
  }

  async endpointDisabled(event: EndpointDisabledEvent): Promise<void> {
    this.events.push(event);
    await this.notices.endpointDisabled(event);
  }
}

/** Test settings: local http endpoints, the 3-day schedule shrunk to about 5 s, a 500 ms timeout. */
export const TEST_SETTINGS: WebhookSettings = {
  allowLoopbackHttp: true,
  retryScale: 0.00002,
  timeoutMs: 500,
  endpointConcurrency: 2,
};

export interface Harness {
  db: TestDatabase;
  messaging: LocalMessaging;
  runtime: WebhooksRuntime;
  endpointDeps: EndpointDeps;
  resolver: FixedResolver;
  notices: RecordingNotices;
  publish(merchantId: string, type?: EventType): Promise<string>;
  stop(): Promise<void>;
}

export async function startHarness(settings: Partial<WebhookSettings> = {}): Promise<Harness> {
  const db = await startTestDatabase({ max: 6 });
  const messaging = await startLocalMessaging({
    prefix: `webhooks-test-${randomBytes(3).toString('hex')}`,
    waitTimeSeconds: 1,
    pollers: { webhooks: 4 },
    settings: { webhooks: { visibilityTimeoutSeconds: 5, maxReceiveCount: 3 } },
    onError: () => undefined,
  });
  const sealer = new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32)));
  const resolver = new FixedResolver();
  const silent = new Logger({ logLevel: 'SILENT' });
  const notices = new RecordingNotices(
    new PublishedNotices(new OutboxPublisher(db.sql, () => messaging.publisher), silent),
  );
  const all = { ...TEST_SETTINGS, ...settings };
  const runtime: WebhooksRuntime = {
    deliveries: new PostgresDeliveryStore(db.sql),
    sealer,
    resolver,
    sender: new HttpSender(),
    queue: new SqsDeliveryQueue(messaging.sqs, messaging.queues.webhooks.url),
    notices,
    settings: all,
  };
  messaging.consume(
    'webhooks',
    webhooksQueueHandler({
      sql: () => db.sql,
      publisher: () => messaging.publisher,
      logger: silent,
      dependencies: () => runtime,
    }),
  );
  return {
    db,
    messaging,
    runtime,
    endpointDeps: { endpoints: new PostgresEndpointStore(db.sql), sealer, resolver, settings: all },
    resolver,
    notices,
    async publish(merchantId, type = 'PaymentCreated') {
      const payment = paymentSnapshot({ merchantId, id: crypto.randomUUID() });
      const data =
        type === 'PaymentCreated'
          ? { payment }
          : type === 'PaymentApproved'
            ? { payment, decidedBy: 'fraud-model' as const }
            : { payment, reason: 'declined' };
      const event = buildEvent(type as 'PaymentCreated', {
        merchantId,
        paymentId: payment.id,
        correlationId: crypto.randomUUID(),
        data: data as never,
      });
      await messaging.publisher.publish([event]);
      return event.id;
    },
    async stop() {
      await messaging.stop();
      await db.stop();
    },
  };
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
