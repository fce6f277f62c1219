import { createBusinessMetrics, useLocalBusinessMetrics } from '../../../functions/analytics/metrics';
import type { MerchantSignal } from '../../../functions/analytics/rollup';

interface EmfLine {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** What publish() prints, one parsed EMF line each. */
function printed(run: () => void): EmfLine[] {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    run();
  } finally {
    write.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as EmfLine);
}

const eur = { merchantId: 'merchant_a', currency: 'EUR' };

it('writes the business metrics as EMF in the RamPay namespace, in total, per currency and per merchant', () => {
  const metrics = createBusinessMetrics({ RAMPAY_ENV: 'dev' });
  const lines = printed(() => {
    metrics.record([
      { metric: 'PaymentsCreated', value: 1, ...eur },
      { metric: 'PaymentsCreated', value: 1, ...eur },
      { metric: 'DecisionLatency', value: 42, ...eur },
    ]);
    metrics.publish();
  });
  expect(lines).toHaveLength(1);
  const [directive] = lines[0]!._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe('RamPay');
  expect(directive!.Dimensions).toEqual([
    ['service', 'environment'],
    ['service', 'environment', 'currency'],
    ['service', 'environment', 'currency', 'merchant'],
  ]);
  expect(directive!.Metrics).toEqual(
    expect.arrayContaining([
      { Name: 'PaymentsCreated', Unit: 'Count' },
      { Name: 'DecisionLatency', Unit: 'Milliseconds' },
    ]),
  );
  expect(lines[0]).toMatchObject({
    environment: 'dev',
    service: 'analytics',
    currency: 'EUR',
    merchant: 'merchant_a',
    PaymentsCreated: [1, 1],
    DecisionLatency: 42,
  });
});

it('never adds amounts of different currencies: an amount has no series without its currency', () => {
  const metrics = createBusinessMetrics({ RAMPAY_ENV: 'dev' });
  const lines = printed(() => {
    metrics.record([
      { metric: 'RefundedAmount', value: 900, ...eur },
      { metric: 'RefundedAmount', value: 500, merchantId: 'merchant_a', currency: 'JPY' },
      { metric: 'PaymentsCreated', value: 1, ...eur },
    ]);
    metrics.publish();
  });
  const refunds = lines.filter((l) => 'RefundedAmount' in l);
  expect(refunds.map((l) => [l.currency, l.RefundedAmount])).toEqual([
    ['EUR', 900],
    ['JPY', 500],
  ]);
  for (const line of refunds) {
    expect(line._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([
      ['service', 'environment', 'currency'],
      ['service', 'environment', 'currency', 'merchant'],
    ]);
  }
  // A second publish prints nothing: the buffer was flushed.
  expect(printed(() => metrics.publish())).toEqual([]);
});

it('prints nothing where RAMPAY_ENV is not set, and hands the signals to the local sink when there is one', () => {
  const metrics = createBusinessMetrics({});
  const signal: MerchantSignal = { metric: 'PaymentsCreated', value: 1, ...eur };
  expect(
    printed(() => {
      metrics.record([signal]);
      metrics.publish();
    }),
  ).toEqual([]);
  const received: MerchantSignal[] = [];
  useLocalBusinessMetrics({ record: (s) => received.push(...s), publish: () => undefined });
  try {
    metrics.record([signal]);
  } finally {
    useLocalBusinessMetrics(undefined);
  }
  expect(received).toEqual([signal]);
});

it('publishes the overlapping dimension sets without a warning on every batch', () => {
  const errors: string[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    errors.push(String(chunk));
    return true;
  });
  const metrics = createBusinessMetrics({ RAMPAY_ENV: 'dev' });
  let lines: EmfLine[];
  try {
    lines = printed(() => {
      metrics.record([{ metric: 'PaymentsCreated', value: 1, ...eur }]);
      metrics.publish();
    });
  } finally {
    stderr.mockRestore();
  }
  expect(lines).toHaveLength(1);
  expect(errors.join('')).not.toContain('defined as both');
});
