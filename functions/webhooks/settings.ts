/**
 * The webhooks service's settings, from the environment:
 *   WEBHOOKS_ALLOW_LOOPBACK_HTTP   `true`: endpoints may also be http://127.0.0.1:<port>/... (the local platform
 *                                  only; never set on AWS, where every endpoint is https:// on a public address)
 *   WEBHOOKS_RETRY_SCALE           multiplies every wait of the retry schedule and its 3-day window (default 1;
 *                                  tests run the whole schedule in seconds with e.g. 0.00002)
 *   WEBHOOKS_TIMEOUT_MS            how long an endpoint has to answer (default 10000)
 *   WEBHOOKS_ENDPOINT_CONCURRENCY  attempts in flight per endpoint at most (default 4)
 *   WEBHOOKS_QUEUE_URL             the webhooks queue: delayed delivery messages go there
 *   WEBHOOKS_KMS_KEY_ID            the KMS key that wraps each secret's data key (AWS), or
 *   WEBHOOKS_SECRET_KEY_FILE       a local key file that does (created when missing; the local platform)
 */
export interface WebhookSettings {
  allowLoopbackHttp: boolean;
  retryScale: number;
  timeoutMs: number;
  endpointConcurrency: number;
}

export const DEFAULT_SETTINGS: WebhookSettings = {
  allowLoopbackHttp: false,
  retryScale: 1,
  timeoutMs: 10_000,
  endpointConcurrency: 4,
};

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv): WebhookSettings {
  return {
    allowLoopbackHttp: env.WEBHOOKS_ALLOW_LOOPBACK_HTTP === 'true',
    retryScale: positive(env, 'WEBHOOKS_RETRY_SCALE', DEFAULT_SETTINGS.retryScale),
    timeoutMs: positive(env, 'WEBHOOKS_TIMEOUT_MS', DEFAULT_SETTINGS.timeoutMs),
    endpointConcurrency: Math.floor(
      positive(env, 'WEBHOOKS_ENDPOINT_CONCURRENCY', DEFAULT_SETTINGS.endpointConcurrency),
    ),
  };
}
