/**
 * One delivery attempt: claim the delivery (at most `endpointConcurrency` in flight per endpoint), check the
 * destination again, sign with the current secret (and a rotated one still overlapping), POST, record the
 * outcome, and schedule the next attempt (a delayed queue message for short waits, the sweep for long ones).
 * An endpoint that has failed everything for the whole retry window is disabled and its merchant told: the
 * WebhookEndpointDisabled event commits with the disable (outbox) and is published after it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { newId } from '../../domain/ids';
import { buildEvent } from '../../shared/outbox/outbox';
import { resolveDestination, UnsafeDestinationError } from '../destination';
import type {
  AddressResolver,
  DeliveryQueue,
  DeliveryStore,
  EndpointDisabledEvent,
  EndpointNotices,
  OutboundResponse,
  SecretSealer,
  WebhookEndpoint,
  WebhookSender,
} from '../ports';
import { nextAttemptAt, retryWindowMs } from '../retry-schedule';
import type { WebhookSettings } from '../settings';
import { signatureHeaders } from '../signature';

export interface AttemptDeps {
  deliveries: DeliveryStore;
  sealer: SecretSealer;
  resolver: AddressResolver;
  sender: WebhookSender;
  queue: DeliveryQueue;
  notices: EndpointNotices;
  settings: WebhookSettings;
  now?: () => Date;
  random?: () => number;
}

export type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'busy' | 'skipped';

/** When an endpoint has its most attempts in flight, the delivery comes back after this wait. */
export const BUSY_WAIT_SECONDS = 1;
/** A lease outlives the attempt's timeout by this much, so that a crashed attempt frees the delivery. */
const LEASE_MARGIN_MS = 20_000;

export async function attemptDelivery(
  deps: AttemptDeps,
  deliveryId: string,
  log?: Pick<Logger, 'info' | 'warn'>,
): Promise<AttemptOutcome> {
  const { settings } = deps;
  const claim = await deps.deliveries.claim(
    deliveryId,
    settings.endpointConcurrency,
    settings.timeoutMs + LEASE_MARGIN_MS,
  );
  if ('busy' in claim) {
    await deps.queue.enqueue([deliveryId], BUSY_WAIT_SECONDS);
    return 'busy';
  }
  if ('skip' in claim) return 'skipped';
  const { claimed } = claim;
  const { endpoint } = claimed;
  const now = deps.now?.() ?? new Date();
  const secrets = [await deps.sealer.open(endpoint.secretSealed, endpoint.id)];
  if (
    endpoint.previousSecretSealed &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > now
  )
    secrets.push(await deps.sealer.open(endpoint.previousSecretSealed, endpoint.id));
  const headers = signatureHeaders(
    secrets,
    claimed.eventId,
    Math.floor(now.getTime() / 1000),
    claimed.payload,
  );

  let response: OutboundResponse;
  try {
    const destination = await resolveDestination(new URL(endpoint.url), deps.resolver, settings);
    response = await deps.sender.send({
      url: destination.url,
      address: destination.address,
      family: destination.family,
      headers,
      body: claimed.payload,
      timeoutMs: settings.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof UnsafeDestinationError)) throw error;
    response = { error: `refused: ${error.message}`, ms: 0 };
  }

  const succeeded =
    response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
  const finished = deps.now?.() ?? new Date();
  const nextAt = succeeded
    ? undefined
    : nextAttemptAt(
        claimed.windowStartedAt,
        finished,
        claimed.windowAttempts + 1,
        settings.retryScale,
        deps.random,
      );
  const waitSeconds = nextAt ? (nextAt.getTime() - finished.getTime()) / 1000 : 0;
  const via = waitSeconds <= deps.queue.maxDelaySeconds ? 'queue' : 'sweep';
  const disabledEvent = succeeded ? undefined : endpointDisabledEvent(endpoint, finished);
  const { endpointDisabled } = await deps.deliveries.record({
    deliveryId,
    succeeded,
    statusCode: response.statusCode ?? null,
    responseMs: response.ms,
    responseBody: response.body ?? null,
    error: response.error ?? null,
    ...(nextAt ? { next: { at: nextAt, via } } : {}),
    ...(disabledEvent
      ? {
          disable: {
            ifFailingSince: new Date(finished.getTime() - retryWindowMs(settings.retryScale)),
            at: finished,
            event: disabledEvent,
          },
        }
      : {}),
  });
  const outcome: AttemptOutcome = succeeded ? 'delivered' : nextAt ? 'retrying' : 'failed';
  log?.info('webhook attempt', {
    deliveryId,
    endpointId: endpoint.id,
    eventId: claimed.eventId,
    statusCode: response.statusCode,
    error: response.error,
    ms: response.ms,
    outcome,
  });
  if (nextAt && via === 'queue') {
    try {
      await deps.queue.enqueue([deliveryId], waitSeconds);
    } catch (error) {
      log?.warn('could not schedule the next attempt; the sweep will', { deliveryId, error: String(error) });
    }
  }
  if (endpointDisabled && disabledEvent) await deps.notices.endpointDisabled(disabledEvent);
  return outcome;
}

/** The merchant's notice, should this failed attempt disable the endpoint (the store writes it only then). */
function endpointDisabledEvent(endpoint: WebhookEndpoint, at: Date): EndpointDisabledEvent {
  return buildEvent('WebhookEndpointDisabled', {
    merchantId: endpoint.merchantId,
    // The disable is the end of days of failures, not of one request: it starts a correlation of its own.
    correlationId: newId(),
    occurredAt: at,
    data: {
      endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description },
      reason: 'failing',
      failingSince: (endpoint.failingSince ?? at).toISOString(),
      disabledAt: at.toISOString(),
    },
  });
}
