/**
 * The webhooks queue carries two kinds of message: events from SNS (fanned out into deliveries by the consumer
 * runtime, with its inbox and transaction) and delivery messages (one attempt each, sent by the fan-out, a
 * retry, a redelivery or the sweep). Attempts run concurrently, each bounded by its timeout, so a slow endpoint
 * holds up no other; a failed record is reported alone.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { consumerHandler, type ConsumerComposition, type SqsBatchHandler } from '../shared/consumer';
import { errorFacts } from '../shared/error-facts';
import { logger } from '../shared/logger';
import { isDeliveryMessage } from './adapters/sqs-delivery-queue';
import { webhooksConsumer } from './consumer';
import { webhookMetrics } from './metrics';
import { attemptDelivery, type AttemptDeps, type AttemptOutcome } from './use-cases/attempt-delivery';
import type { WebhooksRuntime } from './composition';

function deliveryIdOf(record: SQSRecord): string | undefined {
  try {
    const body: unknown = JSON.parse(record.body);
    return isDeliveryMessage(body) ? body.webhookDelivery : undefined;
  } catch {
    return undefined;
  }
}

export function webhooksQueueHandler(
  composition: ConsumerComposition<WebhooksRuntime> & {
    dependencies: () => Promise<AttemptDeps> | AttemptDeps;
  },
): SqsBatchHandler {
  const events = consumerHandler(webhooksConsumer, composition);
  const metrics = webhookMetrics();
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const attempts: { record: SQSRecord; deliveryId: string }[] = [];
    const others: SQSRecord[] = [];
    for (const record of event.Records) {
      const deliveryId = deliveryIdOf(record);
      if (deliveryId) attempts.push({ record, deliveryId });
      else others.push(record);
    }
    const log = composition.logger ?? logger;
    const outcomes: AttemptOutcome[] = [];
    const [fannedOut, attempted] = await Promise.all([
      others.length > 0 ? events({ Records: others }, context) : { batchItemFailures: [] },
      Promise.all(
        attempts.map(async ({ record, deliveryId }) => {
          try {
            outcomes.push(await attemptDelivery(await composition.dependencies(), deliveryId, log));
            return undefined;
          } catch (error) {
            log.error('webhook attempt failed; the message comes back after its visibility timeout', {
              deliveryId,
              messageId: record.messageId,
              ...errorFacts(error),
            });
            return { itemIdentifier: record.messageId };
          }
        }),
      ),
    ]);
    metrics.attempted(outcomes);
    metrics.publish();
    return {
      batchItemFailures: [
        ...fannedOut.batchItemFailures,
        ...attempted.filter((f): f is { itemIdentifier: string } => f !== undefined),
      ],
    };
  };
}
