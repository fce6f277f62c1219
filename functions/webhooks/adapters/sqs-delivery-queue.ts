import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../ports';

/** The body of a delivery message on the webhooks queue (beside the events SNS delivers there). */
export interface DeliveryMessage {
  webhookDelivery: string;
}

export function isDeliveryMessage(value: unknown): value is DeliveryMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DeliveryMessage).webhookDelivery === 'string' &&
    !('type' in value)
  );
}

/** Delivery messages on the webhooks queue, delayed up to SQS's 15 minutes. */
export class SqsDeliveryQueue implements DeliveryQueue {
  readonly maxDelaySeconds = 900;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(deliveryIds: readonly string[], delaySeconds: number): Promise<void> {
    const delay = Math.min(this.maxDelaySeconds, Math.max(0, Math.ceil(delaySeconds)));
    for (let i = 0; i < deliveryIds.length; i += 10) {
      const chunk = deliveryIds.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((id, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify({ webhookDelivery: id } satisfies DeliveryMessage),
            DelaySeconds: delay,
          })),
        }),
      );
      if (out.Failed && out.Failed.length > 0)
        throw new Error(`the webhooks queue refused ${out.Failed.length} delivery message(s)`);
    }
  }
}
