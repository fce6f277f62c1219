/**
 * Every HTTP route, declared once: the CDK api stack and the local platform both build from this table.
 * `entry` is the handler module (exporting `handler`) relative to the repository root.
 */
import type { Scope } from '../shared/http/auth';

export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  scope: Scope | 'public';
  entry: string;
  /** Short PascalCase name for the function and its logical ids. */
  name: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/payments',
    scope: 'payments:write',
    entry: 'functions/payments/handlers/create-payment.ts',
    name: 'CreatePayment',
  },
  {
    method: 'GET',
    path: '/payments',
    scope: 'payments:read',
    entry: 'functions/payments/handlers/list-payments.ts',
    name: 'ListPayments',
  },
  {
    method: 'GET',
    path: '/payments/{id}',
    scope: 'payments:read',
    entry: 'functions/payments/handlers/get-payment.ts',
    name: 'GetPayment',
  },
  {
    method: 'POST',
    path: '/payments/{id}/refunds',
    scope: 'refunds:write',
    entry: 'functions/payments/handlers/create-refund.ts',
    name: 'CreateRefund',
  },
  {
    method: 'GET',
    path: '/payments/{id}/notifications',
    scope: 'audit:read',
    entry: 'functions/notifications/handlers/list-notifications.ts',
    name: 'ListNotifications',
  },
  {
    method: 'GET',
    path: '/events',
    scope: 'payments:read',
    entry: 'functions/payments/handlers/list-events.ts',
    name: 'ListEvents',
  },
  {
    method: 'GET',
    path: '/health',
    scope: 'public',
    entry: 'functions/payments/handlers/health.ts',
    name: 'Health',
  },
  {
    method: 'GET',
    path: '/reviews',
    scope: 'reviews:read',
    entry: 'functions/fraud/handlers/list-reviews.ts',
    name: 'ListReviews',
  },
  {
    method: 'POST',
    path: '/reviews/{paymentId}/decision',
    scope: 'reviews:write',
    entry: 'functions/fraud/handlers/decide-review.ts',
    name: 'DecideReview',
  },
  {
    method: 'POST',
    path: '/payments/{id}/fraud-reports',
    scope: 'reviews:write',
    entry: 'functions/fraud/handlers/report-fraud.ts',
    name: 'ReportFraud',
  },
  {
    method: 'GET',
    path: '/analytics/summary',
    scope: 'analytics:read',
    entry: 'functions/analytics/handlers/summary.ts',
    name: 'AnalyticsSummary',
  },
  {
    method: 'GET',
    path: '/analytics/timeseries',
    scope: 'analytics:read',
    entry: 'functions/analytics/handlers/timeseries.ts',
    name: 'AnalyticsTimeseries',
  },
];
