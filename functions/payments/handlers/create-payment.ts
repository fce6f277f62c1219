import { sharedSql } from '../../shared/db/connection';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody } from '../../shared/http/request';
import { idempotentOperation, type IdempotentInput } from '../../shared/idempotency/idempotent-operation';
import { idempotencyKeyOf } from '../../shared/http/idempotency-key';
import { paymentsDeps } from '../composition';
import { paymentResource } from '../resources';
import { createPaymentRequestSchema, type CreatePaymentRequest } from '../schemas';
import { createPayment } from '../use-cases/create-payment';

const createOnce = idempotentOperation(
  'create-payment',
  sharedSql,
  async (input: IdempotentInput<CreatePaymentRequest>) =>
    paymentResource(await createPayment(await paymentsDeps(), { ...input, request: input.body })),
);

export const route = defineRoute({
  name: 'CreatePayment',
  method: 'POST',
  path: '/payments',
  scope: 'payments:write',
  summary: 'Create a payment',
  request: createPaymentRequestSchema,
  response: { status: 201, schema: 'Payment' },
  idempotent: true,
  function: { database: true, publishes: ['payments'] },
});

export const handler = apiHandler(route, async ({ event, context, caller, correlationId }) => {
  const body = parseBody(event, createPaymentRequestSchema);
  const idempotencyKey = idempotencyKeyOf(event);
  const { result, replayed } = await createOnce(
    { merchantId: caller.merchantId, idempotencyKey, scope: 'payments', body, correlationId },
    context,
  );
  return { status: 201, body: result, headers: { 'idempotent-replayed': String(replayed) } };
});
