import type { Logger } from '@aws-lambda-powertools/logger';
import type { EndpointNotices, WebhookEndpoint } from '../ports';

/**
 * The merchant's notice that an endpoint was disabled: a WARN line with the merchant and endpoint (the metric
 * filter behind the webhooks dashboard counts them); the endpoint itself shows `status: disabled`,
 * `disabledReason: failing` and when, at GET /webhook-endpoints/{id}.
 */
export class LoggedNotices implements EndpointNotices {
  constructor(private readonly logger: Logger) {}

  async endpointDisabled(endpoint: Pick<WebhookEndpoint, 'id' | 'merchantId'>, since: Date): Promise<void> {
    this.logger.warn('webhook endpoint disabled: every delivery failed for the whole retry window', {
      merchantId: endpoint.merchantId,
      endpointId: endpoint.id,
      failingSince: since.toISOString(),
    });
  }
}
