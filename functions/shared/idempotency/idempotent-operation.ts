import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { Context } from 'aws-lambda';
import type { Sql } from '../db/client';
import { withDeferredPublicationMarks } from '../outbox/publication-marks';
import { problems } from '../http/problem';
import { PostgresPersistenceLayer } from './postgres-persistence-layer';

/** How long a completed result stays replayable (Stripe keeps keys for 24 hours). */
const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;

export interface IdempotentInput<B> {
  merchantId: string;
  idempotencyKey: string;
  /** What else scopes the key besides merchant and key, e.g. the payment a refund is for. */
  scope: string;
  body: B;
  /** Carried to the operation; neither part of the key nor of the payload check. */
  correlationId: string;
}

export interface Replayable<R> {
  result: R;
  replayed: boolean;
}

/**
 * Makes one operation idempotent per (merchant, Idempotency-Key, scope): the first call runs and its result is
 * stored; a retry with the same body gets the stored result; a retry with a different body is a 422 and the
 * stored result stays replayable; a retry while the first is still running is a 409.
 *
 * makeIdempotent (not the middy middleware) on purpose: the middleware's onError would delete the stored result
 * when a mismatched retry fails validation, and the next honest retry would run the operation again.
 */
export function idempotentOperation<B, R>(
  name: string,
  sql: () => Promise<Sql>,
  operation: (input: IdempotentInput<B>) => Promise<R>,
): (input: IdempotentInput<B>, context: Context) => Promise<Replayable<R>> {
  // One persistence layer per operation: a layer keeps the config of its first use.
  const persistenceStore = new PostgresPersistenceLayer(sql);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[merchantId, scope, idempotencyKey]',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: REPLAY_WINDOW_SECONDS,
    responseHook: (response) => ({ ...(response as object), replayed: true }),
  });
  const run = makeIdempotent(
    async (input: IdempotentInput<B>) => ({ result: await operation(input), replayed: false }),
    {
      persistenceStore,
      config,
      keyPrefix: `rampay.${name}`,
    },
  );
  return async (input, context) => {
    config.registerLambdaContext(context);
    try {
      return (await withDeferredPublicationMarks(sql, () => run(input))) as Replayable<R>;
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw problems.unprocessable(
          'idempotency-key-reused',
          `Idempotency-Key ${input.idempotencyKey} was already used with a different request body; ` +
            'send the original body to get the original result, or use a new key for a new request',
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw problems.conflict(
          'idempotency-key-in-flight',
          `a request with Idempotency-Key ${input.idempotencyKey} is still being processed; retry in a moment`,
        );
      }
      throw error;
    }
  };
}
