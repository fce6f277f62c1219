import { consumerHandler } from '../../shared/consumer/runtime';
import { notificationsConsumer } from '../consumer';
import { notificationsConsumerComposition } from '../composition';

/** SQS (notifications queue) -> e-mail and SMS, once per event and channel. */
export const handler = consumerHandler(notificationsConsumer, notificationsConsumerComposition);
