import { parsePaymentId } from '../../domain/payment-id';
import { fraudAssessments } from '../../fraud';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { pathParameter } from '../../shared/http/request';
import { paymentReads } from '../composition';
import { paymentResource } from '../resources';
import { getPayment } from '../use-cases/queries';

export const route = defineRoute({
  name: 'GetPayment',
  method: 'GET',
  path: '/payments/{id}',
  scope: 'payments:read',
  summary: 'One payment with its refunds',
  response: { status: 200, schema: 'Payment' },
  function: { database: true, publishes: [] },
});

export const handler = apiHandler(route, async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const [reads, assessments] = await Promise.all([paymentReads(), fraudAssessments()]);
  const { payment, refunds, assessment } = await getPayment(
    { ...reads, assessments },
    caller.merchantId,
    paymentId,
  );
  return { status: 200, body: paymentResource(payment, refunds, assessment) };
});
