import { apiHandler } from '../../shared/http/api-handler';
import { pathParameter } from '../../shared/http/request';
import { parsePaymentId } from '../payment-id';
import { paymentResource } from '../resources';
import { getPayment } from '../use-cases/queries';
import { paymentReads } from '../read-wiring';

export const handler = apiHandler('payments:read', async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  const { payment, refunds, assessment } = await getPayment(
    await paymentReads(),
    caller.merchantId,
    paymentId,
  );
  return { status: 200, body: paymentResource(payment, refunds, assessment) };
});
