import { consumerHandler } from '../../shared/consumer/runtime';
import { analyticsConsumer } from '../consumer';
import { analyticsConsumerComposition } from '../composition';

/** SQS (analytics queue) -> rollups; business metrics as EMF after each batch. */
export const handler = consumerHandler(analyticsConsumer, analyticsConsumerComposition);
