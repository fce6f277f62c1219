import { lambdaComposition } from '../shared/consumer/dependencies';
import type { ConsumerComposition } from '../shared/consumer/runtime';
import { notificationsLogger } from './logger';
import { notificationsRuntime, type NotificationsRuntime } from './wiring';

/**
 * The notifications consumer's composition: its runtime (notifier, templates, configuration; wiring.ts) on the
 * process's shared database client and SNS publisher, with the masking logger as the parent of every record's
 * logger.
 */
export const notificationsConsumerComposition: ConsumerComposition<NotificationsRuntime> = lambdaComposition({
  logger: notificationsLogger,
  dependencies: notificationsRuntime,
});
