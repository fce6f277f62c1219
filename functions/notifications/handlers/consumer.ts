import { sharedConsumerDependencies } from '../../shared/consumer/dependencies';
import { createSqsHandler } from '../../shared/consumer/runtime';
import { createNotificationsConsumer } from '../consumer';
import { notificationsLogger } from '../logger';
import { notificationsRuntime } from '../composition';

/** lambdaHandler(consumer), with the masking logger as the parent of every record's logger. */
export const handler = createSqsHandler(createNotificationsConsumer(notificationsRuntime), {
  ...sharedConsumerDependencies,
  logger: notificationsLogger,
});
