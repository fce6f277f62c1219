import type { PaymentStatus } from './generated/api-enums';

/** The public API, as any client calls it: a bearer token, JSON, problem+json errors whose detail says what to fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  /** Every POST carries a fresh Idempotency-Key. */
  post<T>(path: string, body: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  delete<T>(path: string): Promise<T>;
}

export function apiClient(baseUrl: string, token: string, onUnauthorized: () => void): Api {
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      if (res.status === 401) onUnauthorized();
      const detail = (parsed as { detail?: string } | undefined)?.detail ?? res.statusText;
      throw new ApiError(res.status, detail);
    }
    return parsed as T;
  }
  return {
    get(path, query = {}) {
      const params = new URLSearchParams(
        Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
      ).toString();
      return send('GET', params ? `${path}?${params}` : path);
    },
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    delete: (path) => send('DELETE', path),
  };
}

export interface Refund {
  id: string;
  amount: number;
  currency: string;
  reason?: string;
  createdAt: string;
}

export interface FraudAssessment {
  score: number;
  action: string;
  applied: boolean;
  reasons: string[];
  modelVersion: string;
  assessedAt: string;
}

export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amountRefunded: number;
  amountRefundable: number;
  customer: { id: string; email?: string; phone?: string; country?: string };
  paymentMethod: { last4: string; brand?: string };
  terminalId: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  refunds?: Refund[];
  fraudAssessment?: FraudAssessment;
}

export interface List<T> {
  data: T[];
  hasMore: boolean;
}

export interface Review {
  paymentId: string;
  merchantId?: string;
  kind: 'review' | 'hold';
  openedAt: string;
  allowedDecisions: string[];
  score: number;
  reasons: string[];
  decision?: string;
  reviewer?: string;
  payment: Payment;
}

export interface EventEnvelope {
  id: string;
  type: string;
  occurredAt?: string;
  createdAt?: string;
  data: Record<string, unknown>;
}

export interface Notification {
  id: string;
  channel: string;
  audience: string;
  template: string;
  recipient: string;
  status: string;
  reason?: string;
  attemptedAt: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** null: every payment event. */
  events: string[] | null;
  description?: string;
  status: 'enabled' | 'disabled';
  disabledReason?: 'merchant' | 'failing';
  disabledAt?: string;
  previousSecretExpiresAt?: string;
  /** Only in the answers that create or rotate it. */
  secret?: string;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastResponseMs: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

export interface MerchantSettings {
  notificationEmail: string | null;
  updatedAt: string | null;
}
