import { NotFoundError } from '../../domain/errors';
import { parsePaymentId } from '../../domain/payment-id';
import { apiHandler } from '../../shared/http/api-handler';
import { defineRoute } from '../../shared/http/route';
import { parseBody, pathParameter } from '../../shared/http/request';
import { fraudReportDeps } from '../composition';
import { fraudLabelResource } from '../resources';
import { reportFraudRequestSchema } from '../schemas';
import { reportFraud } from '../use-cases/report-fraud';

export const route = defineRoute({
  name: 'ReportFraud',
  method: 'POST',
  path: '/payments/{id}/fraud-reports',
  scope: 'reviews:write',
  rateLimit: 'reviews',
  summary:
    "Report a payment as fraud (a chargeback, the card holder's claim): the label reaches the fraud model's " +
    'feature store. No body; repeating it changes nothing and answers the same label',
  response: { status: 200, schema: 'FraudLabel' },
  function: { database: true, publishes: [] },
});

/**
 * POST /payments/{id}/fraud-reports: a chargeback or a card holder's claim labels the payment fraud, and the
 * label reaches the feature store. Naturally idempotent (fraud is sticky; a repeated report changes nothing and
 * answers the same label), so no Idempotency-Key is needed.
 */
export const handler = apiHandler(route, async ({ event, caller }) => {
  const paymentId = parsePaymentId(pathParameter(event, 'id'));
  parseBody(event, reportFraudRequestSchema);
  const deps = await fraudReportDeps();
  const label = await deps.transaction((uow) =>
    reportFraud(uow, { merchantId: caller.merchantId, paymentId, at: deps.now().toISOString() }),
  );
  if (!label) throw new NotFoundError(`no payment ${paymentId}`);
  if (!label.fraud) throw new Error(`payment ${paymentId} was reported fraud but its label is not`);
  return { status: 200, body: fraudLabelResource({ ...label, fraud: true }) };
});
