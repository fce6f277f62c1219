import { webhooksConsumerComposition } from '../composition';
import { webhooksQueueHandler } from '../queue-handler';

export const handler = webhooksQueueHandler(webhooksConsumerComposition);
