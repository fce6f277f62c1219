/**
 * The requests of the rate-limit benchmark: a route behind apiHandler with its rate limit, and an open-loop caller
 * for one merchant. Shared by the benchmark and its child processes (rate-limit-caller.ts).
 */
import type { Context } from 'aws-lambda';
import { apiHandler, type ApiEvent } from '../../../functions/shared/http/api-handler';
import type { RateLimitSettings } from '../../../functions/shared/http/rate-limit-settings';

export const LIMIT_PER_SECOND = 200;
export const QUIET = ['quiet_1', 'quiet_2', 'quiet_3'];
export const NOISY = 'noisy';

export const settings: RateLimitSettings = {
  defaults: {
    reads: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    writes: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    refunds: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
    reviews: { limit: LIMIT_PER_SECOND, periodSeconds: 1 },
  },
  merchants: {},
};

export const context = { functionName: 'bench', awsRequestId: 'bench' } as unknown as Context;
let requestSeq = 0;
export function event(merchantId: string): ApiEvent {
  return {
    rawPath: '/bench',
    headers: {},
    requestContext: {
      requestId: `r${++requestSeq}`,
      authorizer: {
        jwt: { claims: { merchant_id: merchantId, sub: merchantId }, scopes: ['payments:read'] },
      },
    },
  } as unknown as ApiEvent;
}

/** The floor: the same request without the limit (a public route skips it). */
export const floor = apiHandler({ scope: 'public', name: 'Bench', method: 'GET' }, async () => ({
  status: 200,
  body: {},
}));
export const limited = apiHandler({ scope: 'payments:read', name: 'Bench', method: 'GET' }, async () => ({
  status: 200,
  body: {},
}));

export interface Offered {
  served: number;
  refused: number;
  latencies: number[];
}

/** Sends `perSecond` requests a second for `merchantId`, open loop (a tick every 10 ms), until the deadline. */
export async function offer(merchantId: string, perSecond: number, deadline: number): Promise<Offered> {
  const latencies: number[] = [];
  let served = 0;
  let refused = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() < deadline) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const t0 = performance.now();
      pending.push(
        limited(event(merchantId), context).then((r) => {
          latencies.push(performance.now() - t0);
          if ((r as { statusCode: number }).statusCode === 429) refused++;
          else served++;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(pending);
  return { served, refused, latencies };
}
