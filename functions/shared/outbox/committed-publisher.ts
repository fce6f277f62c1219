import type { AnyEventEnvelope } from '../../domain/events';
import type { Sql } from '../db/client';
import { logger } from '../logger';
import type { CommittedEventPublisher, EventPublisher } from './ports';
import { publishCommitted } from './use-cases/publish-committed';

/**
 * Publishes a committed change's events straight away. The change is already durable, so a failure here is
 * logged and left to the relay; it must never turn a successful request into an error.
 */
export class OutboxPublisher implements CommittedEventPublisher {
  constructor(
    private readonly sql: Sql,
    private readonly publisher: () => EventPublisher,
  ) {}

  async publishCommitted(events: readonly AnyEventEnvelope[]): Promise<void> {
    try {
      const outcome = await publishCommitted(this.sql, this.publisher(), events);
      if (outcome.failed > 0)
        logger.warn('some events were not published; the relay will retry', { ...outcome });
    } catch (error) {
      logger.warn('publishing after commit failed; the relay will publish', { error });
    }
  }
}
