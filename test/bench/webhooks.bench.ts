/**
 * Webhooks, measured on the PostgreSQL server (DATABASE_URL, else 127.0.0.1:5432, else PGlite):
 * 1. deliveries per second to a local receiver that answers 200 at once: attempts (claim, open the sealed
 *    secret, sign, check the destination, POST over HTTP, record) from 8 concurrent workers;
 * 2. the consumer's overhead per delivery besides the HTTP call: the same attempts, one at a time, with a sender
 *    that answers at once (target under 2 ms);
 * 3. one endpoint that answers in BENCH_SLOW_MS (default 10 s, the timeout) beside a healthy one of another
 *    merchant: the healthy endpoint's delivery latency with and without the slow one (it must not change: the
 *    slow endpoint holds at most its per-endpoint limit of workers, the rest are refused as busy and come back).
 * BENCH_DELIVERIES (default 400) sets the deliveries of (1) and (2).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildEvent } from '../../functions/shared/outbox/outbox';
import {
  attemptDelivery,
  DnsResolver,
  EnvelopeSealer,
  HttpSender,
  LocalKeyWrapper,
  PostgresDeliveryStore,
  PostgresEndpointStore,
  registerEndpoint,
  type AttemptDeps,
  type DeliveryQueue,
  type WebhookSender,
} from '../../functions/webhooks';
import { paymentSnapshot } from '../support/fixtures';
import { benchDatabase } from './support/database';
import { printTable, round, summarize } from './support/stats';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 400);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 10_000);
const WORKERS = 8;
const TARGET_MS = 2;

export default async function main(): Promise<Record<string, unknown>> {
  const db = await benchDatabase(WORKERS + 2);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) setTimeout(() => res.writeHead(200).end('ok'), SLOW_MS).unref();
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const sealer = new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32)));
    const settings = {
      allowLoopbackHttp: true,
      retryScale: 1,
      timeoutMs: SLOW_MS + 1000,
      endpointConcurrency: 4,
    };
    const endpointDeps = {
      endpoints: new PostgresEndpointStore(db.sql),
      sealer,
      resolver: new DnsResolver(),
      settings,
    };
    const deliveries = new PostgresDeliveryStore(db.sql);
    let requeued = 0;
    const queue: DeliveryQueue = {
      maxDelaySeconds: 900,
      enqueue: async (ids) => void (requeued += ids.length),
    };
    const deps = (sender: WebhookSender, endpointConcurrency = 1000): AttemptDeps => ({
      deliveries,
      sealer,
      resolver: endpointDeps.resolver,
      sender,
      queue,
      notices: { endpointDisabled: async () => undefined },
      settings: { ...settings, endpointConcurrency },
    });
    const pending = async (merchantId: string, count: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const payment = paymentSnapshot({ merchantId, id: crypto.randomUUID() });
        const event = buildEvent('PaymentCreated', {
          merchantId,
          paymentId: payment.id,
          correlationId: 'bench',
          data: { payment },
        });
        ids.push(...(await deliveries.fanOut(db.sql, event, JSON.stringify(event))));
      }
      return ids;
    };
    const pool = async (ids: string[], workers: number, attempt: (id: string) => Promise<unknown>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < ids.length) await attempt(ids[next++]!);
        }),
      );
    };

    // 1. Deliveries per second over HTTP.
    await registerEndpoint(endpointDeps, 'bench_http', { url: `${base}/ok` });
    const httpIds = await pending('bench_http', DELIVERIES);
    const http = deps(new HttpSender());
    let started = performance.now();
    await pool(httpIds, WORKERS, (id) => attemptDelivery(http, id));
    const perSecond = DELIVERIES / ((performance.now() - started) / 1000);
    console.log(
      `1. ${round(perSecond, 1)} deliveries/s to a local receiver (${WORKERS} workers, ${DELIVERIES} deliveries, ${db.isServer ? 'PostgreSQL server' : 'embedded PGlite'})`,
    );

    // 2. Overhead per delivery besides the HTTP call.
    await registerEndpoint(endpointDeps, 'bench_overhead', { url: `${base}/ok` });
    const overheadIds = await pending('bench_overhead', DELIVERIES);
    const instant = deps({ send: async () => ({ statusCode: 200, body: 'ok', ms: 0 }) });
    const samples: number[] = [];
    for (const id of overheadIds) {
      started = performance.now();
      await attemptDelivery(instant, id);
      samples.push(performance.now() - started);
    }
    const overhead = summarize(samples.slice(Math.min(20, samples.length - 1)));
    console.log(
      `2. consumer overhead per delivery (no HTTP): p50 ${overhead.p50Ms} ms, p99 ${overhead.p99Ms} ms, target < ${TARGET_MS} ms`,
    );

    // 3. A slow endpoint beside a healthy one.
    await registerEndpoint(endpointDeps, 'bench_slow', { url: `${base}/slow` });
    await registerEndpoint(endpointDeps, 'bench_fast', { url: `${base}/ok` });
    const latencyOfFast = async (withSlow: boolean) => {
      const fast = await pending('bench_fast', 40);
      const slow = withSlow ? await pending('bench_slow', 8) : [];
      const timings: number[] = [];
      const limited = deps(new HttpSender(), settings.endpointConcurrency);
      const queued = [...slow, ...fast];
      const t0 = performance.now();
      // A delivery refused as busy comes back behind the others, as its delayed queue message would.
      await pool(queued, WORKERS, async (id) => {
        const outcome = await attemptDelivery(limited, id);
        if (outcome === 'busy') {
          await new Promise((resolve) => setTimeout(resolve, 50));
          queued.push(id);
        } else if (fast.includes(id)) timings.push(performance.now() - t0);
      });
      return summarize(timings);
    };
    const alone = await latencyOfFast(false);
    const beside = await latencyOfFast(true);
    printTable([
      { case: 'healthy endpoint alone', p50Ms: alone.p50Ms, p99Ms: alone.p99Ms },
      { case: `beside one answering in ${SLOW_MS} ms`, p50Ms: beside.p50Ms, p99Ms: beside.p99Ms },
    ]);
    console.log(
      `3. attempts refused as busy (each endpoint's limit is ${settings.endpointConcurrency} in flight) and re-queued: ${requeued}`,
    );
    return {
      // benchDatabase puts DATABASE_URL back as it found it: the database it chose says which it is.
      database: db.isServer ? 'server' : 'pglite',
      deliveriesPerSecond: round(perSecond, 1),
      workers: WORKERS,
      overheadPerDelivery: overhead,
      targetMs: TARGET_MS,
      healthyAlone: alone,
      healthyBesideSlow: beside,
      slowMs: SLOW_MS,
      busyRequeued: requeued,
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await db.stop();
  }
}
