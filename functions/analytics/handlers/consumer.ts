import { lambdaHandler } from '../../shared/consumer/dependencies';
import { analyticsConsumer, withBusinessMetrics } from '../consumer';
import { createBusinessMetrics } from '../metrics';
import type { Signal } from '../rollup';
import { rollupWriter } from '../wiring';

const pending = new Map<string, Signal[]>();

/** SQS (analytics queue) -> rollups; business metrics as EMF after each batch. */
export const handler = withBusinessMetrics(
  lambdaHandler(analyticsConsumer(rollupWriter, pending)),
  pending,
  createBusinessMetrics(),
);
