import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody, pathParameter } from '../../shared/http/request';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { parsePaymentId } from '../../domain/payment-id';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { reviewDeps } from '../composition';
import { decideReviewRequestSchema, type DecideReviewRequest } from '../schemas';
import { decideReviewAsOperator } from '../use-cases/reviews';

// The reviewer is part of the body the key guards: the same key from another operator is a different request.
type DecisionBody = DecideReviewRequest & { reviewer: string };

// Keys are kept per caller (the operator's own merchant claim), apart from any merchant's own decisions.
const decideOnce = idempotentOperation(
  'decide-operator-review',
  sharedSql,
  async ({ scope, body, correlationId }: IdempotentInput<DecisionBody>) =>
    decideReviewAsOperator(await reviewDeps(), {
      paymentId: scope,
      reviewer: body.reviewer,
      correlationId,
      decision: body.decision,
      ...(body.note === undefined ? {} : { note: body.note }),
    }),
);

export const route = defineRoute({
  name: 'DecideOperatorReview',
  method: 'POST',
  path: '/operator/reviews/{paymentId}/decision',
  scope: 'reviews:operate',
  summary: "A fraud operator decides any merchant's review; the decision records the operator as reviewer",
  request: decideReviewRequestSchema,
  response: { status: 200, schema: 'OperatorReview' },
  idempotent: true,
  function: { database: true, publishes: ['payments'] },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'paymentId'));
  const request = parseBody(event, decideReviewRequestSchema);
  const { result, replayed } = await decideOnce(
    {
      merchantId: caller.merchantId,
      idempotencyKey: idempotencyKeyOf(event),
      scope: paymentId,
      body: { ...request, reviewer: caller.subject },
      correlationId,
    },
    context,
  );
  return { status: 200, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
