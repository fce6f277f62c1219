/**
 * One payment, one trace, on the local platform: the request that creates a payment is the root of a trace that
 * follows its events through the outbox, SNS and SQS into every consumer, and through the events the consumers
 * emit in turn into theirs; a reviewer's decision is a trace of its own that reaches the consumers of what it
 * emits. Found by the payment id at GET /local/traces and shown as a timeline at /local/traces/timeline.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Platform } from '../../lib/local/platform';
import type { TimelineSpan, TraceTimeline } from '../../lib/local/traces';
import { paymentRequest } from '../support/api';
import { launchChromium } from '../support/chromium';
import { startTestPlatform } from '../support/platform';

let platform: Platform;
let token: string;

beforeAll(async () => {
  // Every payment goes to review: the fraud consumer emits AnomalyDetected, which other consumers take.
  platform = await startTestPlatform({
    FRAUD_THRESHOLDS: JSON.stringify({ review: 0, hold: 100, decline: 100 }),
  });
  token = await platform.issuer.issue({
    merchantId: 'merchant_traced',
    scopes: ['payments:read', 'payments:write', 'reviews:read', 'reviews:write'],
  });
}, 60_000);
afterAll(() => platform?.stop());

async function http(method: string, url: string, body?: unknown, key?: string) {
  const res = await fetch(`${platform.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), text };
}

/** The trace at `url` once it holds a span named by each of `names`. */
async function traceWith(url: string, names: readonly string[]): Promise<TraceTimeline> {
  const deadline = Date.now() + 30_000;
  let last: TraceTimeline | undefined;
  for (;;) {
    const res = await http('GET', url);
    if (res.status === 200) {
      last = JSON.parse(res.text) as TraceTimeline;
      if (names.every((name) => last!.spans.some((s) => s.name === name))) return last;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no span ${names.filter((n) => !last?.spans.some((s) => s.name === n)).join(', ')} in ${url}: ` +
          (last ? last.spans.map((s) => s.name).join(', ') : `${res.status} ${res.text}`),
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Names of the span's ancestors, nearest first. */
function ancestors(timeline: TraceTimeline, span: TimelineSpan): string[] {
  const byId = new Map(timeline.spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (
    let at = span.parentSpanId && byId.get(span.parentSpanId);
    at;
    at = at.parentSpanId && byId.get(at.parentSpanId)
  )
    names.push(at.name);
  return names;
}

const only = (timeline: TraceTimeline, name: string) => {
  const found = timeline.spans.filter((s) => s.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};

it("follows a payment's request through the outbox, SNS, SQS and every consumer in one trace", async () => {
  const created = await http(
    'POST',
    '/payments',
    paymentRequest({ amount: 7300, currency: 'EUR' }),
    'trace-1',
  );
  expect(created.status).toBe(201);
  const paymentId = (JSON.parse(created.text) as { id: string }).id;

  const consumed = [
    'fraud PaymentCreated',
    'notifications PaymentCreated',
    'analytics PaymentCreated',
    'notifications AnomalyDetected',
    'analytics AnomalyDetected',
  ];
  const trace = await traceWith(`/local/traces?payment=${paymentId}`, consumed);

  const root = trace.spans[0]!;
  expect(root).toMatchObject({ name: 'POST /payments', kind: 'server', depth: 0, parentSpanId: null });
  expect(root.attributes['http.status_code']).toBe(201);
  expect(trace.spans.filter((s) => s.depth === 0)).toHaveLength(1);
  expect(trace.paymentIds).toEqual([paymentId]);

  // The request's own work: its statements and its publication after commit, through SNS.
  const publish = trace.spans.find((s) => s.name === 'outbox publish' && s.parentSpanId === root.spanId)!;
  expect(publish).toBeDefined();
  expect(trace.spans.some((s) => s.name === 'SNS PublishBatch' && s.parentSpanId === publish.spanId)).toBe(
    true,
  );
  expect(
    trace.spans.some((s) => s.name.startsWith('db ') && ancestors(trace, s).includes('POST /payments')),
  ).toBe(true);

  // Each consumer's record hangs under the request; what the fraud consumer emitted, under its record.
  for (const name of ['fraud PaymentCreated', 'notifications PaymentCreated', 'analytics PaymentCreated']) {
    const span = only(trace, name);
    expect(span.kind).toBe('consumer');
    expect(span.attributes['payment.id']).toBe(paymentId);
    expect(ancestors(trace, span).at(-1)).toBe('POST /payments');
  }
  for (const name of ['notifications AnomalyDetected', 'analytics AnomalyDetected']) {
    expect(ancestors(trace, only(trace, name))).toContain('fraud PaymentCreated');
  }
  // The consumers' own round trips are in the trace too, under their records.
  const fraud = only(trace, 'fraud PaymentCreated');
  expect(trace.spans.some((s) => s.name.startsWith('db ') && s.parentSpanId === fraud.spanId)).toBe(true);
  // And the fraud consumer's publication of what it emitted, after its batch committed.
  expect(
    trace.spans.some(
      (s) => s.name === 'outbox publish' && ancestors(trace, s).includes('fraud PaymentCreated'),
    ),
  ).toBe(true);

  // Every hop has its latency, and none starts before the request did.
  for (const span of trace.spans) {
    expect(span.offsetMs).toBeGreaterThanOrEqual(0);
    expect(span.durationMs).toBeGreaterThanOrEqual(0);
  }
  const last = Math.max(...trace.spans.map((s) => s.offsetMs + s.durationMs));
  expect(trace.durationMs).toBeCloseTo(last, 1);

  // The same trace as a page.
  const page = await http('GET', `/local/traces/timeline?payment=${paymentId}`);
  expect(page.status).toBe(200);
  expect(page.contentType).toMatch(/^text\/html/);
  for (const name of consumed) expect(page.text).toContain(name);
  expect(page.text).toContain(trace.traceId);
  await inBrowser(`/local/traces/timeline?payment=${paymentId}`, trace);
}, 90_000);

/** The timeline in headless Chromium: one row per span, in order, each bar inside the request's time line. */
async function inBrowser(url: string, trace: TraceTimeline): Promise<void> {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto(`${platform.url}${url}`);
    const rows = tab.locator('tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-span-id')))).toEqual(
      trace.spans.map((s) => s.spanId),
    );
    const consumer = tab.locator('tr[data-kind="consumer"]', { hasText: 'analytics AnomalyDetected' });
    expect(await consumer.count()).toBe(1);
    const [cell, bar] = await Promise.all([
      consumer.locator('td.bar').boundingBox(),
      consumer.locator('td.bar span').boundingBox(),
    ]);
    expect(bar!.width).toBeGreaterThan(0);
    expect(bar!.x).toBeGreaterThanOrEqual(cell!.x);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(cell!.x + cell!.width + 1);
    const shots = path.resolve(__dirname, '..', '..', 'screenshots');
    await mkdir(shots, { recursive: true });
    await tab.screenshot({ path: path.join(shots, 'trace-timeline.png'), fullPage: true });
  } finally {
    await browser.close();
  }
}

it("follows a reviewer's decision to the consumers of the events it causes", async () => {
  const created = await http(
    'POST',
    '/payments',
    paymentRequest({ amount: 990, currency: 'EUR' }),
    'trace-2',
  );
  const paymentId = (JSON.parse(created.text) as { id: string }).id;
  const first = await traceWith(`/local/traces?payment=${paymentId}`, ['fraud PaymentCreated']);

  // Wait until the payment is in the review queue, then decide it.
  const deadline = Date.now() + 30_000;
  let decided: Awaited<ReturnType<typeof http>>;
  for (;;) {
    decided = await http('POST', `/reviews/${paymentId}/decision`, { decision: 'confirm' }, 'trace-2-d');
    if (decided.status !== 404 && decided.status !== 409) break;
    if (Date.now() > deadline) throw new Error(`the review never opened: ${decided.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(decided.status).toBeLessThan(300);

  const list = JSON.parse((await http('GET', '/local/traces')).text) as {
    traces: { traceId: string; root: string; paymentIds: string[] }[];
  };
  const decision = list.traces.find((t) => t.root === 'POST /reviews/{paymentId}/decision');
  expect(decision).toBeDefined();
  expect(decision!.traceId).not.toBe(first.traceId);
  const trace = await traceWith(`/local/traces?trace=${decision!.traceId}`, ['analytics ReviewDecided']);
  expect(trace.spans[0]!.name).toBe('POST /reviews/{paymentId}/decision');
}, 60_000);

it('refuses malformed lookups with a problem that says what to send', async () => {
  const bad = await http('GET', '/local/traces?payment=not-a-payment');
  expect(bad.status).toBe(400);
  expect(bad.contentType).toMatch(/problem\+json/);
  expect(JSON.parse(bad.text).detail).toMatch(/UUID/);
  const unknown = await http('GET', `/local/traces?trace=${'ab'.repeat(16)}`);
  expect(unknown.status).toBe(404);
});
