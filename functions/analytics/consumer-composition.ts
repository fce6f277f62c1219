import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import type { AnalyticsConsumerDependencies } from './consumer';
import { createBusinessMetrics } from './metrics';
import { rollupWriter } from './wiring';

const dependencies: AnalyticsConsumerDependencies = {
  store: rollupWriter,
  metrics: createBusinessMetrics(),
  pending: new Map(),
};

/**
 * The analytics consumer's composition: the rollup writer and the business metrics (EMF after each batch), on
 * the process's shared database client and SNS publisher.
 */
export const analyticsConsumerComposition: ConsumerComposition<AnalyticsConsumerDependencies> =
  lambdaComposition({ dependencies: () => dependencies });
