import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody, pathParameter } from '../../shared/http/request';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { parsePaymentId } from '../../domain/payment-id';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { reviewDeps } from '../composition';
import { decideReviewRequestSchema, type DecideReviewRequest } from '../schemas';
import { decideReview } from '../use-cases/reviews';

// The reviewer is part of the body the key guards: the same key from another reviewer is a different request.
type DecisionBody = DecideReviewRequest & { reviewer: string };

const decideOnce = idempotentOperation(
  'decide-review',
  sharedSql,
  async ({ merchantId, scope, body, correlationId }: IdempotentInput<DecisionBody>) =>
    decideReview(await reviewDeps(), {
      merchantId,
      paymentId: scope,
      reviewer: body.reviewer,
      correlationId,
      decision: body.decision,
      ...(body.note === undefined ? {} : { note: body.note }),
    }),
);

export const route = defineRoute({
  name: 'DecideReview',
  method: 'POST',
  path: '/reviews/{paymentId}/decision',
  scope: 'reviews:write',
  summary: 'Decide a review: approve or reject a held payment; confirm or mark fraud one in review',
  request: decideReviewRequestSchema,
  response: { status: 200, schema: 'Review' },
  idempotent: true,
  rateLimit: 'reviews',
  function: { database: true, publishes: ['payments'] },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'paymentId'));
  const request = parseBody(event, decideReviewRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await decideOnce(
    {
      merchantId: caller.merchantId,
      idempotencyKey,
      scope: paymentId,
      body: { ...request, reviewer: caller.subject },
      correlationId,
    },
    context,
  );
  return { status: 200, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
