/**
 * GET /metrics on the local platform: the Prometheus text format (prom-client), with the operational metrics
 * (requests by route and status, request latency, queue and DLQ depths, consumer outcomes, the outbox backlog)
 * and the business metrics of the catalogue (functions/shared/metrics/catalogue.ts) that the analytics consumer
 * publishes to CloudWatch on AWS, here labelled by merchant and currency.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { API_ROUTES } from '../../functions/api/routes';
import {
  useLocalBusinessMetrics,
  type BusinessMetrics,
  type MerchantSignal,
} from '../../functions/analytics';
import type { Sql } from '../../functions/shared/db/client';
import {
  RAMPAY_METRICS,
  BUSINESS_METRIC_NAMES,
  type BusinessMetricName,
  type MetricDefinition,
} from '../../functions/shared/metrics/catalogue';
import { matchRoute } from './api-gateway';
import type { LocalRoute } from './http-server';
import type { LocalMessaging } from './messaging';

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The Prometheus name of a catalogue metric: counts become `rampay_<name>_total` counters, durations
 * `rampay_<name>_seconds` histograms (Prometheus's base unit), ages `rampay_<name>_seconds` gauges.
 */
export function prometheusName(definition: MetricDefinition): string {
  const base = `rampay_${snake(definition.name)}`;
  if (definition.unit === 'Count') return `${base}_total`;
  if (definition.unit === 'Milliseconds' || definition.unit === 'Seconds') return `${base}_seconds`;
  return base;
}

export interface LocalMetrics {
  registry: Registry;
  /** GET /metrics. */
  route: LocalRoute;
  /** Counts every request the server answers, by route and status. */
  observe(server: Server): void;
  stop(): void;
}

export function startLocalMetrics(deps: { sql: Sql; messaging: LocalMessaging }): LocalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'rampay_http_requests_total',
    help: 'HTTP requests answered, by API route (operation id; "other" for local pages and unknown paths) and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'rampay_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by API route',
    labelNames: ['route', 'method'],
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });

  new Gauge({
    name: 'rampay_queue_messages',
    help: 'Messages in a consumer queue or its DLQ, by state (visible, in flight, delayed)',
    labelNames: ['consumer', 'queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of await deps.messaging.depths()) {
        for (const [queue, depth] of [
          ['queue', q.queue],
          ['dlq', q.dlq],
        ] as const) {
          this.set({ consumer: q.consumer, queue, state: 'visible' }, depth.visible);
          this.set({ consumer: q.consumer, queue, state: 'in_flight' }, depth.inFlight);
          this.set({ consumer: q.consumer, queue, state: 'delayed' }, depth.delayed);
        }
      }
    },
  });
  new Counter({
    name: 'rampay_consumer_records_total',
    help: 'Records a consumer was handed, by outcome (succeeded, failed: left for a retry or the DLQ)',
    labelNames: ['consumer', 'outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [consumer, stats] of Object.entries(deps.messaging.pollerStats())) {
        this.inc({ consumer, outcome: 'succeeded' }, stats.succeeded);
        this.inc({ consumer, outcome: 'failed' }, stats.failed);
      }
    },
  });
  new Counter({
    name: 'rampay_consumer_batches_total',
    help: 'Batches a consumer handled',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [consumer, stats] of Object.entries(deps.messaging.pollerStats())) {
        this.inc({ consumer }, stats.batches);
      }
    },
  });

  const backlog = RAMPAY_METRICS.OutboxOldestPendingAge;
  const pending = new Gauge({
    name: 'rampay_outbox_pending_events',
    help: 'Outbox events not yet published',
    registers: [registry],
  });
  new Gauge({
    name: prometheusName(backlog),
    help: backlog.description,
    registers: [registry],
    async collect() {
      const [row] = await deps.sql<{ pending: number; age: number | null }[]>`
        select count(*)::int as pending, extract(epoch from now() - min(o.occurred_at))::float8 as age
          from outbox_pending p join outbox o on o.id = p.event_id`;
      pending.set(row?.pending ?? 0);
      this.set(row?.age ?? 0);
    },
  });

  const business = businessMetrics(registry);
  useLocalBusinessMetrics(business);

  return {
    registry,
    route: {
      method: 'GET',
      path: '/metrics',
      serve: async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType }),
    },
    observe(server) {
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const started = process.hrtime.bigint();
        res.on('finish', () => {
          const method = req.method ?? 'GET';
          const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
          const match = matchRoute(API_ROUTES, method === 'HEAD' ? 'GET' : method, pathname);
          const route = match?.route.name ?? 'other';
          requests.inc({ route, method, status: String(res.statusCode) });
          latency.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
        });
      });
    },
    stop() {
      useLocalBusinessMetrics(undefined);
      registry.clear();
    },
  };
}

/** The catalogue's business metrics, labelled by merchant and currency, fed by the analytics consumer. */
function businessMetrics(registry: Registry): BusinessMetrics {
  const labelNames = ['merchant', 'currency'];
  const record = new Map<BusinessMetricName, (signal: MerchantSignal) => void>();
  for (const name of BUSINESS_METRIC_NAMES) {
    const definition = RAMPAY_METRICS[name];
    const help = definition.description;
    if (definition.unit === 'Milliseconds') {
      const histogram = new Histogram({
        name: prometheusName(definition),
        help,
        labelNames,
        buckets: SECONDS_BUCKETS,
        registers: [registry],
      });
      record.set(name, (s) =>
        histogram.observe({ merchant: s.merchantId, currency: s.currency }, s.value / 1000),
      );
    } else {
      const counter = new Counter({
        name: prometheusName(definition),
        help,
        labelNames,
        registers: [registry],
      });
      record.set(name, (s) => counter.inc({ merchant: s.merchantId, currency: s.currency }, s.value));
    }
  }
  return {
    record(signals) {
      for (const signal of signals) record.get(signal.metric)?.(signal);
    },
    publish: () => undefined,
  };
}
