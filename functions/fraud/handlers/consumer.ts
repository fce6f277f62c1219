import { consumerHandler } from '../../shared/consumer/runtime';
import { logger } from '../../shared/logger';
import { fraudConsumer } from '../consumer';
import { fraudConsumerComposition, scoringSetup } from '../consumer-composition';

// Load the model while the container initialises rather than on the first message (retried then if it fails).
scoringSetup().catch((error: unknown) => logger.error('fraud model failed to load', { error }));

/** SQS (fraud queue, PaymentCreated) -> assessment, decision and events. */
export const handler = consumerHandler(fraudConsumer, fraudConsumerComposition);
