/**
 * The smoke test a deployment must pass before it is promoted: the API answers /health, a test merchant gets a
 * token from the environment's token endpoint (client credentials), creates one payment and reads it back. It
 * speaks to the API as a merchant's back end does, over HTTPS, and leaves one small payment of the test merchant.
 */
import { randomUUID } from 'node:crypto';

export interface SmokeTarget {
  /** The API's base URL (the api stack's ApiUrl output). */
  apiUrl: string;
  /** A bearer token, or how to get one: the token endpoint with the test merchant's app client. */
  token?: string;
  tokenEndpoint?: string;
  clientId?: string;
  clientSecret?: string;
  /** What the token endpoint prefixes RamPay's scopes with ('rampay/' with Cognito). */
  scopePrefix?: string;
}

export interface SmokeStep {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

const TIMEOUT_MS = 10_000;

/** The payment the smoke test creates: the smallest amount, a card and terminal no real customer has. */
const SMOKE_PAYMENT = {
  amount: 100,
  currency: 'EUR',
  customer: { id: 'cus_smoke' },
  paymentMethod: { type: 'card', fingerprint: 'fp_smoke_test', last4: '0000' },
  terminalId: 'smoke-test',
  description: 'deployment smoke test',
};

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the report
  }
  return { status: response.status, body };
}

function describe(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

async function tokenFor(target: SmokeTarget): Promise<string> {
  if (target.token) return target.token;
  if (!target.tokenEndpoint || !target.clientId || !target.clientSecret) {
    throw new Error('give a token, or the token endpoint with the test merchant client id and secret');
  }
  const prefix = target.scopePrefix ?? '';
  const { status, body } = await call(target.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: `${prefix}payments:read ${prefix}payments:write`,
    }).toString(),
  });
  const token = (body as { access_token?: unknown }).access_token;
  if (status !== 200 || typeof token !== 'string') {
    throw new Error(`the token endpoint answered ${status}: ${describe(body)}`);
  }
  return token;
}

/** Runs the steps in order and stops at the first that fails; `report` hears each as it ends. */
export async function runSmoke(
  target: SmokeTarget,
  report: (step: SmokeStep) => void = () => undefined,
): Promise<SmokeStep[]> {
  const api = target.apiUrl.replace(/\/+$/, '');
  let token = '';
  let paymentId = '';
  const checks: [string, () => Promise<string>][] = [
    [
      'health',
      async () => {
        const { status, body } = await call(`${api}/health`);
        if (status !== 200 || (body as { status?: unknown }).status !== 'ok') {
          throw new Error(`GET /health answered ${status}: ${describe(body)}`);
        }
        return 'the API and its database answer';
      },
    ],
    [
      'token',
      async () => {
        token = await tokenFor(target);
        return 'the test merchant has a token';
      },
    ],
    [
      'create a payment',
      async () => {
        const { status, body } = await call(`${api}/payments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify(SMOKE_PAYMENT),
        });
        const id = (body as { id?: unknown }).id;
        if (status !== 201 || typeof id !== 'string') {
          throw new Error(`POST /payments answered ${status}: ${describe(body)}`);
        }
        paymentId = id;
        return `payment ${id}`;
      },
    ],
    [
      'read it back',
      async () => {
        const { status, body } = await call(`${api}/payments/${paymentId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const read = body as { id?: unknown; amount?: unknown };
        if (status !== 200 || read.id !== paymentId || read.amount !== SMOKE_PAYMENT.amount) {
          throw new Error(`GET /payments/${paymentId} answered ${status}: ${describe(body)}`);
        }
        return `payment ${paymentId} reads back`;
      },
    ],
  ];
  const steps: SmokeStep[] = [];
  for (const [name, check] of checks) {
    const started = performance.now();
    let step: SmokeStep;
    try {
      step = { name, ok: true, ms: 0, detail: await check() };
    } catch (error) {
      step = { name, ok: false, ms: 0, detail: (error as Error).message };
    }
    step.ms = Math.round(performance.now() - started);
    steps.push(step);
    report(step);
    if (!step.ok) break;
  }
  return steps;
}
