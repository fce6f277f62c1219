/**
 * GET /metrics on the local platform, scraped by a real Prometheus server (Debian's /usr/bin/prometheus, which
 * .ci/run installs): payments created over HTTP show up as requests by route and status and, once the analytics
 * consumer has folded them, as business metrics per merchant and currency that Prometheus answers a query with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Platform } from '../../lib/local/platform';
import { waitFor } from '../lib/local/wait';
import { paymentRequest } from '../support/api';
import { startTestPlatform } from '../support/platform';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

let platform: Platform;

beforeAll(async () => {
  platform = await startTestPlatform();
}, 60_000);
afterAll(() => platform.stop());

async function createPayments(merchantId: string, currencies: string[]): Promise<void> {
  const token = await platform.issuer.issue({ merchantId, scopes: ['payments:write'] });
  for (const [i, currency] of currencies.entries()) {
    const res = await fetch(`${platform.url}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `p-${i}`,
      },
      body: JSON.stringify(paymentRequest({ amount: 1000 + i, currency })),
    });
    expect(res.status).toBe(201);
  }
}

async function scrape(): Promise<string> {
  const res = await fetch(`${platform.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The sample of `name` whose labels include all of `labels`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (has) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts requests by route and status, and the business metrics per merchant and currency', async () => {
    await createPayments('merchant_prom_text', ['EUR', 'EUR', 'JPY']);
    const refused = await fetch(`${platform.url}/payments`, { method: 'POST' });
    expect(refused.status).toBe(401);

    const text = await scrape();
    expect(
      sample(text, 'rampay_http_requests_total', { route: 'CreatePayment', status: '201' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(text, 'rampay_http_requests_total', { route: 'CreatePayment', status: '401' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'rampay_http_request_duration_seconds_count', { route: 'CreatePayment' }),
    ).toBeGreaterThanOrEqual(4);
    expect(
      sample(text, 'rampay_queue_messages', { consumer: 'analytics', queue: 'dlq', state: 'visible' }),
    ).toBe(0);
    expect(sample(text, 'rampay_outbox_pending_events', {})).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE rampay_outbox_oldest_pending_age_seconds gauge');

    await waitFor(
      async () =>
        sample(await scrape(), 'rampay_payments_created_total', {
          merchant: 'merchant_prom_text',
          currency: 'JPY',
        }) === 1,
      30_000,
    );
    const after = await scrape();
    expect(
      sample(after, 'rampay_payments_created_total', { merchant: 'merchant_prom_text', currency: 'EUR' }),
    ).toBe(2);
    expect(
      sample(after, 'rampay_payment_volume_total', { merchant: 'merchant_prom_text', currency: 'EUR' }),
    ).toBe(2001);
    expect(
      sample(after, 'rampay_consumer_records_total', { consumer: 'analytics', outcome: 'succeeded' }),
    ).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

/** A port no one listens on now, on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('Prometheus scraping the local platform', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let base: string;
  let output = '';

  beforeAll(async () => {
    // Present wherever .ci/run ran; a missing server is a failure, never a skipped test.
    if (!existsSync(PROMETHEUS))
      throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (.ci/run does)`);
    dir = await mkdtemp(path.join(tmpdir(), 'rampay-prometheus-'));
    const target = new URL(platform.url).host;
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: rampay',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(async () => {
      if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
      return (await fetch(`${base}/-/ready`).catch(() => undefined))?.ok === true;
    }, 30_000);
  }, 40_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function query(
    promql: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as {
      status: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  it('scrapes the platform and answers a query with its business metrics', async () => {
    await createPayments('merchant_prom_scraped', ['GBP', 'GBP']);
    let result: Awaited<ReturnType<typeof query>> = [];
    await waitFor(async () => {
      result = await query('rampay_payments_created_total{merchant="merchant_prom_scraped"}');
      return result.length === 1 && result[0]!.value[1] === '2';
    }, 40_000);
    expect(result[0]!.metric).toMatchObject({
      job: 'rampay',
      merchant: 'merchant_prom_scraped',
      currency: 'GBP',
    });
    const up = await query('up{job="rampay"}');
    expect(up[0]!.value[1]).toBe('1');
    const created = await query('sum(rampay_http_requests_total{route="CreatePayment",status="201"})');
    expect(Number(created[0]!.value[1])).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
