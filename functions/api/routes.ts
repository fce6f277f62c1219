/**
 * Every HTTP route, listed once: each handler module declares its route (method, path, scope, schemas, what its
 * function needs) and this list gathers them. The CDK function table and api stack, the local platform and the
 * OpenAPI document all build from it; the document lists paths in the order they first appear here.
 *
 * `entry` is the handler module (exporting `route` and `handler`) relative to the repository root: what CDK
 * bundles and the local platform loads. A test checks that each entry exports the route listed with it.
 * Importing this list imports the handler modules; they connect and read nothing until a request comes.
 */
import type { RouteDefinition } from '../shared/http/route';
import { route as createPayment } from '../payments/handlers/create-payment';
import { route as getPayment } from '../payments/handlers/get-payment';
import { route as listPayments } from '../payments/handlers/list-payments';
import { route as createRefund } from '../payments/handlers/create-refund';
import { route as listNotifications } from '../notifications/handlers/list-notifications';
import { route as listEvents } from '../payments/handlers/list-events';
import { route as health } from '../payments/handlers/health';
import { route as listReviews } from '../fraud/handlers/list-reviews';
import { route as decideReview } from '../fraud/handlers/decide-review';
import { route as reportFraud } from '../fraud/handlers/report-fraud';
import { route as analyticsSummary } from '../analytics/handlers/summary';
import { route as analyticsTimeseries } from '../analytics/handlers/timeseries';
import { route as createWebhookEndpoint } from '../webhooks/handlers/create-endpoint';
import { route as listWebhookEndpoints } from '../webhooks/handlers/list-endpoints';
import { route as getWebhookEndpoint } from '../webhooks/handlers/get-endpoint';
import { route as deleteWebhookEndpoint } from '../webhooks/handlers/delete-endpoint';
import { route as rotateWebhookSecret } from '../webhooks/handlers/rotate-secret';
import { route as enableWebhookEndpoint } from '../webhooks/handlers/enable-endpoint';
import { route as disableWebhookEndpoint } from '../webhooks/handlers/disable-endpoint';
import { route as listWebhookDeliveries } from '../webhooks/handlers/list-deliveries';
import { route as redeliverWebhook } from '../webhooks/handlers/redeliver';
import { route as listOperatorReviews } from '../fraud/handlers/list-operator-reviews';
import { route as decideOperatorReview } from '../fraud/handlers/decide-operator-review';
import { route as getMerchantSettings } from '../notifications/handlers/get-merchant-settings';
import { route as putMerchantSettings } from '../notifications/handlers/put-merchant-settings';

export interface ApiRoute {
  route: RouteDefinition;
  entry: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { route: createPayment, entry: 'functions/payments/handlers/create-payment.ts' },
  { route: getPayment, entry: 'functions/payments/handlers/get-payment.ts' },
  { route: listPayments, entry: 'functions/payments/handlers/list-payments.ts' },
  { route: createRefund, entry: 'functions/payments/handlers/create-refund.ts' },
  { route: listNotifications, entry: 'functions/notifications/handlers/list-notifications.ts' },
  { route: listEvents, entry: 'functions/payments/handlers/list-events.ts' },
  { route: health, entry: 'functions/payments/handlers/health.ts' },
  { route: listReviews, entry: 'functions/fraud/handlers/list-reviews.ts' },
  { route: decideReview, entry: 'functions/fraud/handlers/decide-review.ts' },
  { route: reportFraud, entry: 'functions/fraud/handlers/report-fraud.ts' },
  { route: analyticsSummary, entry: 'functions/analytics/handlers/summary.ts' },
  { route: analyticsTimeseries, entry: 'functions/analytics/handlers/timeseries.ts' },
  { route: createWebhookEndpoint, entry: 'functions/webhooks/handlers/create-endpoint.ts' },
  { route: listWebhookEndpoints, entry: 'functions/webhooks/handlers/list-endpoints.ts' },
  { route: getWebhookEndpoint, entry: 'functions/webhooks/handlers/get-endpoint.ts' },
  { route: deleteWebhookEndpoint, entry: 'functions/webhooks/handlers/delete-endpoint.ts' },
  { route: rotateWebhookSecret, entry: 'functions/webhooks/handlers/rotate-secret.ts' },
  { route: enableWebhookEndpoint, entry: 'functions/webhooks/handlers/enable-endpoint.ts' },
  { route: disableWebhookEndpoint, entry: 'functions/webhooks/handlers/disable-endpoint.ts' },
  { route: listWebhookDeliveries, entry: 'functions/webhooks/handlers/list-deliveries.ts' },
  { route: redeliverWebhook, entry: 'functions/webhooks/handlers/redeliver.ts' },
  { route: getMerchantSettings, entry: 'functions/notifications/handlers/get-merchant-settings.ts' },
  { route: putMerchantSettings, entry: 'functions/notifications/handlers/put-merchant-settings.ts' },
  { route: listOperatorReviews, entry: 'functions/fraud/handlers/list-operator-reviews.ts' },
  { route: decideOperatorReview, entry: 'functions/fraud/handlers/decide-operator-review.ts' },
];
