import { Metrics } from '@aws-lambda-powertools/metrics';
import { createBusinessMetrics, emfBusinessMetrics } from '../../../functions/analytics/metrics';

it('writes the business metrics as EMF in the RamPay namespace with the environment dimension', () => {
  const metrics = new Metrics({
    namespace: 'RamPay',
    serviceName: 'analytics',
    defaultDimensions: { environment: 'dev' },
  });
  emfBusinessMetrics(metrics).record([
    { metric: 'PaymentsCreated', value: 1 },
    { metric: 'PaymentsCreated', value: 1 },
    { metric: 'DecisionLatency', value: 42 },
  ]);
  const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
    _aws: {
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string; Unit: string }[];
      }[];
    };
  };
  const [directive] = emf._aws.CloudWatchMetrics;
  expect(directive!.Namespace).toBe('RamPay');
  expect(directive!.Dimensions).toEqual([['service', 'environment']]);
  expect(directive!.Metrics).toEqual(
    expect.arrayContaining([
      { Name: 'PaymentsCreated', Unit: 'Count' },
      { Name: 'DecisionLatency', Unit: 'Milliseconds' },
    ]),
  );
  expect(emf).toMatchObject({ environment: 'dev', PaymentsCreated: [1, 1], DecisionLatency: 42 });
});

it('prints nothing where RAMPAY_ENV is not set (the local platform, tests)', () => {
  const write = jest.spyOn(process.stdout, 'write');
  const metrics = createBusinessMetrics({});
  metrics.record([{ metric: 'PaymentsCreated', value: 1 }]);
  metrics.publish();
  expect(write).not.toHaveBeenCalled();
  write.mockRestore();
});
