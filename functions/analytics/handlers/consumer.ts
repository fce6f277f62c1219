import { sharedConsumerDependencies } from '../../shared/consumer/dependencies';
import { analyticsHandler } from '../consumer';
import { createBusinessMetrics } from '../metrics';
import { rollupWriter } from '../composition';

/** SQS (analytics queue) -> rollups; business metrics as EMF after each batch. */
export const handler = analyticsHandler(rollupWriter, sharedConsumerDependencies, createBusinessMetrics());
