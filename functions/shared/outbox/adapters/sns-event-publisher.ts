import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { AnyEventEnvelope } from '../../../domain/events';
import { EVENT_TYPE_ATTRIBUTE, topicFor, type TopicName } from '../../events/topology';
import type { EventPublisher, PublishResult } from '../ports';

/** The message attribute that carries the event's W3C trace context. */
export const TRACEPARENT_ATTRIBUTE = 'traceparent';

/** SNS allows 10 entries and 256 KiB per PublishBatch call; stay a little under the byte limit. */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 240 * 1024;

/**
 * Publishes each envelope as raw JSON to its topic, with the event type as the attribute filters match on and its
 * trace context. Give it a client wrapped by tracedClient (functions/shared/tracing) to trace the calls.
 */
export class SnsEventPublisher implements EventPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Readonly<Record<TopicName, string>>,
  ) {}

  async publish(events: readonly AnyEventEnvelope[]): Promise<PublishResult> {
    const result: PublishResult = { published: [], failed: [] };
    for (const [topic, entries] of this.batchesByTopic(events)) {
      try {
        const response = await this.client.send(
          new PublishBatchCommand({ TopicArn: this.topicArns[topic], PublishBatchRequestEntries: entries }),
        );
        for (const ok of response.Successful ?? []) if (ok.Id) result.published.push(ok.Id);
        for (const failed of response.Failed ?? []) {
          if (failed.Id)
            result.failed.push({ id: failed.Id, error: `${failed.Code}: ${failed.Message ?? ''}` });
        }
      } catch (error) {
        for (const entry of entries) result.failed.push({ id: entry.Id!, error: (error as Error).message });
      }
    }
    return result;
  }

  private *batchesByTopic(
    events: readonly AnyEventEnvelope[],
  ): Generator<[TopicName, PublishBatchRequestEntry[]]> {
    const open = new Map<TopicName, { entries: PublishBatchRequestEntry[]; bytes: number }>();
    for (const event of events) {
      const topic = topicFor(event.type);
      const message = JSON.stringify(event);
      const bytes = Buffer.byteLength(message);
      let batch = open.get(topic);
      if (batch && (batch.entries.length === MAX_ENTRIES || batch.bytes + bytes > MAX_BATCH_BYTES)) {
        yield [topic, batch.entries];
        batch = undefined;
      }
      if (!batch) {
        batch = { entries: [], bytes: 0 };
        open.set(topic, batch);
      }
      batch.entries.push({
        Id: event.id,
        Message: message,
        MessageAttributes: {
          [EVENT_TYPE_ATTRIBUTE]: { DataType: 'String', StringValue: event.type },
          // For any subscriber that reads attributes only; RamPay's consumers read the envelope's.
          ...(event.traceparent
            ? { [TRACEPARENT_ATTRIBUTE]: { DataType: 'String', StringValue: event.traceparent } }
            : {}),
        },
      });
      batch.bytes += bytes;
    }
    for (const [topic, batch] of open) yield [topic, batch.entries];
  }
}
