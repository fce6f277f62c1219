import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody, pathParameter } from '../../shared/http/request';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { parsePaymentId } from '../../domain/payment-id';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { paymentsDeps } from '../composition';
import { paymentResource, refundResource } from '../resources';
import { createRefundRequestSchema, type CreateRefundRequest } from '../schemas';
import { refundPayment } from '../use-cases/refund-payment';

const refundOnce = idempotentOperation(
  'create-refund',
  sharedSql,
  async (input: IdempotentInput<CreateRefundRequest>) => {
    const { payment, refund } = await refundPayment(await paymentsDeps(), {
      ...input,
      paymentId: input.scope,
      request: input.body,
    });
    return { ...refundResource(refund), payment: paymentResource(payment) };
  },
);

export const route = defineRoute({
  name: 'CreateRefund',
  method: 'POST',
  path: '/payments/{id}/refunds',
  scope: 'refunds:write',
  summary: 'Refund a payment in full or in part',
  request: createRefundRequestSchema,
  response: { status: 201, schema: 'Refund' },
  idempotent: true,
  rateLimit: 'refunds',
  function: { database: true, publishes: ['payments'] },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const body = parseBody(event, createRefundRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await refundOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: paymentId, body, correlationId },
    context,
  );
  return { status: 201, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
