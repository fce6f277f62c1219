/**
 * The metric catalogue against the code and the dashboards: a dashboard names only metrics and dimensions the
 * code (or AWS) publishes, and every business metric the code publishes is on a dashboard.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createBusinessMetrics } from '../../../functions/analytics/metrics';
import { eventDeltas, factsOf, reconcile, type MerchantSignal } from '../../../functions/analytics/rollup';
import { PAYMENT_EVENT_TYPES, type PaymentEventEnvelope } from '../../../functions/domain/events';
import {
  BUSINESS_METRIC_NAMES,
  METRIC_CATALOGUE,
  RAMPAY_METRICS,
  RAMPAY_NAMESPACE,
  findMetric,
  hasDimensionSet,
} from '../../../functions/shared/metrics/catalogue';
import { dashboards } from '../../../lib/grafana/dashboards';
import { synthesize } from '../infra/synth';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Use {
  where: string;
  namespace: string;
  name: string;
  dimensions: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Every metric a Grafana panel queries. */
function grafanaUses(): Use[] {
  return Object.entries(dashboards()).flatMap(([file, board]) =>
    (board.panels ?? []).flatMap((panel) => {
      const targets = ((panel as { targets?: unknown[] }).targets ?? []) as {
        namespace?: string;
        metricName?: string;
        dimensions?: Record<string, string>;
      }[];
      return targets
        .filter((t) => t.metricName)
        .map((t) => ({
          where: `${file}: ${(panel as { title?: string }).title}`,
          namespace: t.namespace!,
          name: t.metricName!,
          dimensions: Object.keys(t.dimensions ?? {}),
        }));
    }),
  );
}

/** Every metric of the synthesized CloudWatch dashboard: plain metric arrays and SEARCH expressions. */
function cloudWatchUses(): Use[] {
  const { templates } = synthesize('dev');
  const [resource] = Object.values(templates.observability.findResources('AWS::CloudWatch::Dashboard')) as {
    Properties: { DashboardBody: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const body = resource!.Properties.DashboardBody['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : 'TOKEN'))
    .join('');
  const widgets = (
    JSON.parse(body) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }
  ).widgets;
  return widgets.flatMap((w) =>
    (w.properties.metrics ?? []).flatMap((row): Use[] => {
      const where = `CloudWatch: ${w.properties.title}`;
      const first = row[0];
      if (typeof first === 'object' && first && 'expression' in first) {
        const search = /SEARCH\('\{([^}]+)\} MetricName="(\w+)"/.exec(String(first.expression));
        if (!search) return [];
        const [namespace, ...dimensions] = search[1]!.split(',');
        return [{ where, namespace: namespace!, name: search[2]!, dimensions }];
      }
      const strings = row.filter((x): x is string => typeof x === 'string');
      const [namespace, name, ...pairs] = strings;
      return [{ where, namespace: namespace!, name: name!, dimensions: pairs.filter((_, i) => i % 2 === 0) }];
    }),
  );
}

/** One payment through every event type, folded as the analytics consumer folds it. */
function signalsOfEveryEvent(): MerchantSignal[] {
  const payment = {
    id: 'pay_1',
    merchantId: 'merchant_a',
    amount: 1000,
    currency: 'EUR',
    status: 'approved',
  };
  const data: Record<string, unknown> = {
    PaymentCreated: { payment },
    PaymentApproved: { payment },
    PaymentFailed: { payment, reason: 'declined' },
    PaymentRefunded: { payment, refund: { id: 'ref_1', amount: 400, currency: 'EUR' } },
    AnomalyDetected: {
      payment,
      score: 90,
      probability: 0.9,
      modelVersion: 'm',
      reasons: [],
      action: 'review',
    },
    ReviewDecided: { payment, decision: 'fraud', reviewer: 'ops' },
  };
  const created = Date.parse('2026-12-01T10:00:00Z');
  const signals: MerchantSignal[] = [];
  for (const [i, type] of PAYMENT_EVENT_TYPES.entries()) {
    const event = {
      id: `evt_${i}`,
      type,
      paymentId: 'pay_1',
      merchantId: 'merchant_a',
      occurredAt: new Date(created + i * 1000).toISOString(),
      data: data[type],
    } as unknown as PaymentEventEnvelope;
    const found = [...eventDeltas(event).signals];
    const facts = factsOf(event);
    if (facts) {
      const correction = reconcile({
        paymentId: 'pay_1',
        currency: 'EUR',
        amount: 1000,
        createdAt: new Date(created),
        firstApprovedAt: facts.approvedAt ?? null,
        firstDecidedAt: facts.decidedAt ?? null,
        countedApprovedAt: null,
        countedLatencyAt: null,
        countedLatencyMs: null,
      });
      found.push(...(correction?.signals ?? []));
    }
    signals.push(...found.map((s) => ({ ...s, merchantId: 'merchant_a' })));
  }
  return signals;
}

/** What the business metrics print for these signals, as (name, dimensions) pairs. */
function emitted(signals: MerchantSignal[]): { name: string; dimensions: string[] }[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const metrics = createBusinessMetrics({ RAMPAY_ENV: 'test' });
    metrics.record(signals);
    metrics.publish();
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      const emf = JSON.parse(l) as {
        _aws: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      return emf._aws.CloudWatchMetrics.flatMap((d) =>
        d.Metrics.flatMap((m) => d.Dimensions.map((dimensions) => ({ name: m.Name, dimensions }))),
      );
    });
}

describe('the metric catalogue', () => {
  const uses = [...grafanaUses(), ...cloudWatchUses()];

  it('has each metric once', () => {
    const keys = METRIC_CATALOGUE.map((m) => `${m.namespace}/${m.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists, as its emitters, exactly the files that publish metrics', () => {
    const publishing = sourceFiles(path.join(ROOT, 'functions'))
      .filter((file) => /\.addMetric\(/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(ROOT, file))
      .sort();
    const declared = [...new Set(Object.values(RAMPAY_METRICS).map((m) => m.emittedBy))].sort();
    expect(publishing).toEqual(declared);
  });

  it('declares every business metric the analytics consumer publishes, and nothing it does not publish', () => {
    const names = new Set(signalsOfEveryEvent().map((s) => s.metric));
    expect([...names].sort()).toEqual([...BUSINESS_METRIC_NAMES].sort());
  });

  it('has the dimensions the published EMF lines carry', () => {
    const lines = emitted(signalsOfEveryEvent());
    expect(lines.length).toBeGreaterThan(0);
    for (const { name, dimensions } of lines) {
      const definition = findMetric(RAMPAY_NAMESPACE, name);
      expect({ name, known: definition !== undefined }).toEqual({ name, known: true });
      expect({ name, dimensions, declared: hasDimensionSet(definition!, dimensions) }).toEqual({
        name,
        dimensions,
        declared: true,
      });
    }
    // And every declared dimension set is published.
    for (const name of BUSINESS_METRIC_NAMES) {
      for (const set of RAMPAY_METRICS[name].dimensionSets) {
        expect(lines).toContainEqual({ name, dimensions: [...set] });
      }
    }
  });

  it('is all a dashboard panel may name: every metric and dimension set on a dashboard is published', () => {
    expect(uses.length).toBeGreaterThan(50);
    // Both kinds of dashboard were read, with RamPay's metrics and AWS's.
    for (const kind of ['CloudWatch:', 'operations.json:', 'business.json:']) {
      expect(
        uses.filter((u) => u.where.startsWith(kind) && u.namespace === RAMPAY_NAMESPACE).length,
      ).toBeGreaterThan(0);
    }
    expect(
      uses.filter((u) => u.where.startsWith('CloudWatch:') && u.namespace === 'AWS/SQS').length,
    ).toBeGreaterThan(0);
    const unknown = uses.filter((u) => {
      const definition = findMetric(u.namespace, u.name);
      return !definition || !hasDimensionSet(definition, u.dimensions);
    });
    expect(unknown).toEqual([]);
  });

  it('puts every business metric on a dashboard', () => {
    const shown = new Set(uses.filter((u) => u.namespace === RAMPAY_NAMESPACE).map((u) => u.name));
    const missing = BUSINESS_METRIC_NAMES.filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
  });

  it('catches a panel that names a metric or a dimension nobody publishes', () => {
    const check = (u: Use) => {
      const definition = findMetric(u.namespace, u.name);
      return definition !== undefined && hasDimensionSet(definition, u.dimensions);
    };
    expect(
      check({
        where: 'x',
        namespace: 'RamPay',
        name: 'PaymentsCreated',
        dimensions: ['service', 'environment'],
      }),
    ).toBe(true);
    expect(
      check({
        where: 'x',
        namespace: 'RamPay',
        name: 'PaymentsCreatd',
        dimensions: ['service', 'environment'],
      }),
    ).toBe(false);
    expect(
      check({
        where: 'x',
        namespace: 'RamPay',
        name: 'RefundedAmount',
        dimensions: ['service', 'environment'],
      }),
    ).toBe(false);
    expect(
      check({ where: 'x', namespace: 'RamPay', name: 'PaymentsCreated', dimensions: ['service', 'region'] }),
    ).toBe(false);
  });
});
