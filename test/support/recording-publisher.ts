import type { AnyEventEnvelope } from '../../functions/domain/events';
import type { EventPublisher, PublishResult } from '../../functions/shared/outbox/ports';

/** A publisher that remembers what it was given; `failing` makes it throw like an unreachable SNS. */
export class RecordingPublisher implements EventPublisher {
  readonly published: AnyEventEnvelope[] = [];
  failing = false;

  async publish(events: readonly AnyEventEnvelope[]): Promise<PublishResult> {
    if (this.failing) throw new Error('SNS unreachable');
    this.published.push(...events);
    return { published: events.map((e) => e.id), failed: [] };
  }

  ids(): string[] {
    return this.published.map((e) => e.id);
  }
}
