import type { Logger } from '@aws-lambda-powertools/logger';
import type { CommittedEventPublisher } from '../../shared/outbox/ports';
import type { EndpointDisabledEvent, EndpointNotices } from '../ports';

/**
 * The merchant's notice that an endpoint was disabled: the WebhookEndpointDisabled event, already committed with
 * the disable, published now (the outbox relay publishes it should this fail), and a WARN line for operators.
 * The notifications service e-mails it to the merchant's notification address; the merchant's feed
 * (GET /events) and its other endpoints that subscribe to it show it too.
 */
export class PublishedNotices implements EndpointNotices {
  constructor(
    private readonly events: CommittedEventPublisher,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  async endpointDisabled(event: EndpointDisabledEvent): Promise<void> {
    this.logger.warn('webhook endpoint disabled: every delivery failed for the whole retry window', {
      merchantId: event.merchantId,
      endpointId: event.data.endpoint.id,
      failingSince: event.data.failingSince,
      eventId: event.id,
    });
    await this.events.publishCommitted([event]);
  }
}
