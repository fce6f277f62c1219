/**
 * The webhooks service's ports: its stores, how secrets are sealed, how hosts resolve, how an attempt is sent
 * and how a later attempt is scheduled.
 */
import type { EventEnvelope, EventType } from '../domain/events';
import type { Queryable } from '../shared/db/client';

export type EndpointStatus = 'enabled' | 'disabled';
export type DisabledReason = 'merchant' | 'failing';
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookEndpoint {
  id: string;
  merchantId: string;
  url: string;
  /** null: every event type. */
  events: EventType[] | null;
  description: string | null;
  status: EndpointStatus;
  disabledReason: DisabledReason | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  merchantId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastResponseMs: number | null;
  lastResponseBody: string | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export interface Page {
  limit: number;
  startingAfter?: string;
}

export interface PageOf<T> {
  items: T[];
  hasMore: boolean;
}

export interface NewEndpoint {
  id: string;
  merchantId: string;
  url: string;
  events: EventType[] | null;
  description: string | null;
  secretSealed: string;
}

export interface EndpointStore {
  create(endpoint: NewEndpoint): Promise<WebhookEndpoint>;
  find(merchantId: string, id: string): Promise<WebhookEndpoint | undefined>;
  list(merchantId: string, page: Page): Promise<PageOf<WebhookEndpoint> | 'unknown-cursor'>;
  delete(merchantId: string, id: string): Promise<boolean>;
  /** The current secret becomes the previous one (signing until `previousExpiresAt`); `sealed` the current. */
  rotate(
    merchantId: string,
    id: string,
    sealed: string,
    previousExpiresAt: Date,
  ): Promise<WebhookEndpoint | undefined>;
  setStatus(merchantId: string, id: string, status: EndpointStatus): Promise<WebhookEndpoint | undefined>;
}

/** One attempt's outcome, as the store records it. */
export interface AttemptRecord {
  deliveryId: string;
  succeeded: boolean;
  statusCode: number | null;
  responseMs: number;
  responseBody: string | null;
  error: string | null;
  /** The next attempt, when there is one; `via` says who wakes it. */
  next?: { at: Date; via: 'queue' | 'sweep' };
  /**
   * For a failed attempt: the endpoint is disabled (at `at`) when it has failed everything since before
   * `ifFailingSince`, and `event` is written to the outbox by the same statement.
   */
  disable?: { ifFailingSince: Date; at: Date; event: EndpointDisabledEvent };
}

export type EndpointDisabledEvent = EventEnvelope<'WebhookEndpointDisabled'>;

/** A claimed attempt: the delivery, its endpoint and the retry window facts the schedule needs. */
export interface ClaimedDelivery {
  deliveryId: string;
  eventId: string;
  payload: string;
  windowStartedAt: Date;
  windowAttempts: number;
  endpoint: WebhookEndpoint;
}

export type Claim =
  | { claimed: ClaimedDelivery }
  /** The endpoint has its most attempts in flight: try again in a moment. */
  | { busy: true }
  /** Nothing to do: delivered, failed, gone, not due yet, its endpoint disabled, or in flight elsewhere. */
  | { skip: string };

export interface DeliveryStore {
  /**
   * Writes one pending delivery per enabled endpoint of the merchant that takes the event (once per endpoint).
   * `exceptEndpoint`: an endpoint that must not get it (the one a WebhookEndpointDisabled is about).
   */
  fanOut(
    tx: Queryable,
    event: { id: string; type: EventType; merchantId: string; exceptEndpoint?: string },
    payload: string,
  ): Promise<string[]>;
  list(
    merchantId: string,
    endpointId: string,
    page: Page,
  ): Promise<PageOf<WebhookDelivery> | 'unknown-cursor'>;
  /** Pending again, due now, with a fresh retry window; undefined when the merchant has no such delivery. */
  redeliver(merchantId: string, endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Leases a due delivery for one attempt, unless its endpoint already has `limit` attempts in flight. */
  claim(deliveryId: string, limit: number, leaseMs: number): Promise<Claim>;
  /** Records an attempt; answers whether it disabled the endpoint (and so wrote `disable.event`). */
  record(attempt: AttemptRecord): Promise<{ endpointDisabled: boolean }>;
  /** Pending deliveries due by `before` that wait for the sweep, or whose queue message is overdue. */
  due(before: Date, overdueBefore: Date, limit: number): Promise<{ id: string; at: Date }[]>;
  /** The oldest due delivery's wait, in seconds (0 when none is due): the alarm's figure. */
  oldestDueSeconds(): Promise<number>;
}

/** Seals webhook secrets at rest. */
export interface SecretSealer {
  seal(secret: string, endpointId: string): Promise<string>;
  open(sealed: string, endpointId: string): Promise<string>;
}

/** Makes and unwraps per-secret data keys (KMS on AWS, a local key file on `npm start`). */
export interface KeyWrapper {
  readonly kind: string;
  generateDataKey(context: string): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
}

export interface AddressResolver {
  /** Every address `hostname` resolves to (IPv4 and IPv6). */
  resolve(hostname: string): Promise<string[]>;
}

export interface OutboundRequest {
  url: URL;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface OutboundResponse {
  /** Undefined when no response came (timeout, refused connection). */
  statusCode?: number;
  /** The start of the body, truncated. */
  body?: string;
  error?: string;
  ms: number;
}

export interface WebhookSender {
  send(request: OutboundRequest): Promise<OutboundResponse>;
}

/** Wakes a delivery after a wait (an SQS message with a delay of at most 15 minutes). */
export interface DeliveryQueue {
  /** The longest wait it can carry, in seconds. */
  readonly maxDelaySeconds: number;
  enqueue(deliveryIds: readonly string[], delaySeconds: number): Promise<void>;
}

/** Tells the merchant its endpoint was disabled: publishes the event committed with the disable. */
export interface EndpointNotices {
  endpointDisabled(event: EndpointDisabledEvent): Promise<void>;
}
