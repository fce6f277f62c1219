/**
 * The capacity model of docs/capacity.md, fed with the figures the other benchmarks last wrote to bench-results/
 * (run them first: `npm run bench -- payments fraud-assessment notifications analytics capacity`). It prints the
 * per-payment inputs it took, then what a target rate needs on AWS (concurrency per function, database
 * connections) and what a million payments cost, itemised. Nothing is measured here; every assumption is a named
 * constant below.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../lib/infra/config';
import { printTable, round } from './support/stats';

const RESULTS = path.join(__dirname, '..', '..', 'bench-results');
const TARGET_PAYMENTS_PER_SECOND = Number(process.env.BENCH_CAPACITY_RATE ?? 1000);

/** On AWS, not measurable here. */
const ASSUMED = {
  /** One round trip Lambda -> RDS Proxy -> instance in one region (the local benchmarks run over loopback). */
  roundTripMs: 1,
  /** One SNS Publish call from a Lambda in the same region. */
  snsPublishMs: 15,
  /** One SES SendEmail call. */
  sesSendMs: 30,
  /** Log bytes a function writes per invocation (Powertools JSON lines at INFO). */
  logBytesPerInvocation: 1500,
};

/**
 * What one payment causes, in the common path (approved): PaymentCreated and PaymentApproved, two e-mails, and
 * these round trips (from the tests that count them: a create is three, a scored payment two in a batch of ten
 * plus the batch's three).
 */
const PER_PAYMENT = {
  events: 2,
  deliveries: { fraud: 1, notifications: 2, analytics: 2 },
  emails: 2,
  roundTrips: {
    create: 3,
    fraudPerPaymentInBatch: 2 + 3 / 10,
    notificationPerMessage: 3,
    analyticsPerEvent: 2,
  },
};

/** List prices (USD, us-east-1, Lambda on arm64) as known when this was written, not checked from here. */
const PRICE = {
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  snsPublish: 0.5 / 1e6,
  sqsRequest: 0.4 / 1e6,
  sesEmail: 0.1 / 1000,
  logsIngestedGb: 0.5,
  rdsProxyVcpuHour: 0.015,
  interfaceEndpointAzHour: 0.01,
};

/** A benchmark's last result (bench-results/<name>.json), if it has run. */
async function load(name: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(RESULTS, `${name}.json`), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The number at the first of `keyPaths` that holds one. */
function numberAt(value: unknown, keyPaths: string[][]): number | undefined {
  for (const keyPath of keyPaths) {
    let at: unknown = value;
    for (const key of keyPath) at = (at as Record<string, unknown> | undefined)?.[key];
    if (typeof at === 'number') return at;
  }
  return undefined;
}

export default async function main(): Promise<Record<string, unknown>> {
  const payments = await load('payments');
  const fraud = await load('fraud-assessment');
  const notifications = await load('notifications');
  const analytics = await load('analytics');
  const measured = {
    createMs: numberAt(payments, [['callers1', 'handler', 'meanMs']]),
    createsPerSecondAt8: numberAt(payments, [['callers8', 'handler', 'opsPerSecond']]),
    fraudPerPaymentMs: numberAt(fraud, [['perPaymentInBatchOf10', 'meanMs']]),
    notificationMs: numberAt(notifications, [['oneConsumer', 'perMessage', 'meanMs']]),
    analyticsEventMs: numberAt(analytics, [['folding', 'msPerEvent', 'mean']]),
  };
  const missing = Object.entries(measured)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0) {
    console.log(
      `missing inputs ${missing.join(', ')}: run npm run bench -- payments fraud-assessment notifications analytics first`,
    );
    return { missing };
  }
  const m = measured as Record<keyof typeof measured, number>;
  console.log('per-payment inputs (measured locally, loopback database):');
  printTable([
    { input: 'create payment, handler mean (1 caller)', value: `${round(m.createMs)} ms` },
    { input: 'creates/s through the handler at 8 callers', value: round(m.createsPerSecondAt8, 0) },
    { input: 'fraud assessment per payment', value: `${round(m.fraudPerPaymentMs)} ms` },
    { input: 'notification per message (SES stubbed)', value: `${round(m.notificationMs)} ms` },
    { input: 'analytics fold per event', value: `${round(m.analyticsEventMs)} ms` },
  ]);

  const prod = loadConfig('prod');
  const rt = PER_PAYMENT.roundTrips;
  const functions = [
    {
      name: 'CreatePayment',
      perPayment: 1,
      ms: m.createMs + rt.create * ASSUMED.roundTripMs + ASSUMED.snsPublishMs,
      memoryMb: prod.lambda.api.memoryMb,
      invocationsPerPayment: 1,
    },
    {
      name: 'FraudConsumer',
      perPayment: PER_PAYMENT.deliveries.fraud,
      ms: m.fraudPerPaymentMs + rt.fraudPerPaymentInBatch * ASSUMED.roundTripMs + ASSUMED.snsPublishMs / 10,
      memoryMb: prod.consumers.fraud.memoryMb,
      invocationsPerPayment: PER_PAYMENT.deliveries.fraud / prod.consumers.fraud.batchSize,
    },
    {
      name: 'NotificationsConsumer',
      perPayment: PER_PAYMENT.deliveries.notifications,
      ms: m.notificationMs + rt.notificationPerMessage * ASSUMED.roundTripMs + ASSUMED.sesSendMs,
      memoryMb: prod.consumers.notifications.memoryMb,
      invocationsPerPayment: PER_PAYMENT.deliveries.notifications / prod.consumers.notifications.batchSize,
    },
    {
      name: 'AnalyticsConsumer',
      perPayment: PER_PAYMENT.deliveries.analytics,
      ms: m.analyticsEventMs + rt.analyticsPerEvent * ASSUMED.roundTripMs,
      memoryMb: prod.consumers.analytics.memoryMb,
      invocationsPerPayment: PER_PAYMENT.deliveries.analytics / prod.consumers.analytics.batchSize,
    },
  ];
  const rate = TARGET_PAYMENTS_PER_SECOND;
  const rows = functions.map((f) => {
    const busySecondsPerPayment = (f.perPayment * f.ms) / 1000;
    return {
      function: f.name,
      'ms per payment on AWS': round(f.perPayment * f.ms, 2),
      [`concurrency at ${rate}/s`]: Math.ceil(rate * busySecondsPerPayment),
      'GB-s per payment': round((busySecondsPerPayment * f.memoryMb) / 1024, 5),
      'invocations per payment': round(f.invocationsPerPayment, 3),
    };
  });
  console.log(`\nat ${rate} payments/s (prod's memory and batch sizes; assumptions in the file's header):`);
  printTable(rows);
  const concurrency = rows.reduce((sum, r) => sum + (r[`concurrency at ${rate}/s`] as number), 0);

  const gbSeconds = rows.reduce((sum, r) => sum + (r['GB-s per payment'] as number), 0);
  const invocations = rows.reduce((sum, r) => sum + (r['invocations per payment'] as number), 0);
  const deliveries = Object.values(PER_PAYMENT.deliveries).reduce((a, b) => a + b, 0);
  // Each delivery: SNS's send to the queue; receives and deletes come ten messages to a request.
  const sqsRequests = deliveries * (1 + 2 / 10);
  const hoursPerMillion = 1e6 / rate / 3600;
  const vcpus = 2;
  const million = 1e6;
  const cost = [
    { item: 'Lambda duration', usd: gbSeconds * PRICE.lambdaGbSecond * million },
    { item: 'Lambda requests', usd: invocations * PRICE.lambdaRequest * million },
    { item: 'API Gateway (HTTP API)', usd: PRICE.httpApiRequest * million },
    { item: 'SNS publishes', usd: PER_PAYMENT.events * PRICE.snsPublish * million },
    { item: 'SQS requests', usd: sqsRequests * PRICE.sqsRequest * million },
    { item: 'SES e-mail', usd: PER_PAYMENT.emails * PRICE.sesEmail * million },
    {
      item: 'CloudWatch Logs ingestion',
      usd: ((invocations * ASSUMED.logBytesPerInvocation) / 1e9) * PRICE.logsIngestedGb * million,
    },
    {
      item: `RDS Proxy (${vcpus} vCPU), for the hours a million takes`,
      usd: PRICE.rdsProxyVcpuHour * vcpus * hoursPerMillion,
    },
    {
      item: 'VPC interface endpoints (5 x 3 AZ), same hours',
      usd: PRICE.interfaceEndpointAzHour * 5 * 3 * hoursPerMillion,
    },
  ].map((c) => ({ item: c.item, 'USD per million payments': round(c.usd, 2) }));
  console.log('\nwhat a million payments cost, itemised (the database instance is in docs/capacity.md):');
  printTable(cost);
  const total = cost.reduce((sum, c) => sum + c['USD per million payments'], 0);
  console.log(
    `\nSummary: at ${rate} payments/s the functions need about ${concurrency} concurrent executions and as many ` +
      `database connections at once (prod's budget: ${prod.concurrency.databaseBudget}); a million payments ` +
      `cost ${round(total, 2)} USD without the database instance.`,
  );
  return {
    rate,
    assumed: ASSUMED,
    perPayment: PER_PAYMENT,
    price: PRICE,
    measured,
    functions: rows,
    cost,
    concurrency,
  };
}
