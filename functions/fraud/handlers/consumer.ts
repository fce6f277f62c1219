import { lambdaHandler } from '../../shared/consumer/dependencies';
import { logger } from '../../shared/logger';
import { fraudConsumer } from '../consumer';
import { scoringSetup } from '../wiring';

// Load the model while the container initialises rather than on the first message (retried then if it fails).
scoringSetup().catch((error: unknown) => logger.error('fraud model failed to load', { error }));

/** SQS (fraud queue, PaymentCreated) -> assessment, decision and events. */
export const handler = lambdaHandler(fraudConsumer(scoringSetup));
