import type { AnyEventEnvelope } from '../../domain/events';

export interface PublishResult {
  published: string[];
  failed: { id: string; error: string }[];
}

/** Where committed events go: SNS on AWS and on the local platform (through its local SNS). */
export interface EventPublisher {
  publish(events: readonly AnyEventEnvelope[]): Promise<PublishResult>;
}

/** Publishes events whose transaction has committed; failures are left to the outbox relay, never thrown. */
export interface CommittedEventPublisher {
  publishCommitted(events: readonly AnyEventEnvelope[]): Promise<void>;
}
