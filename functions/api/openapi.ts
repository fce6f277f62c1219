import * as z from 'zod';
// Import order is registration order, which is the order of the document's components.
import {
  listOf,
  paymentResourceSchema,
  problemSchema,
  refundResourceSchema,
} from '../payments/response-schemas';
import {
  createPaymentRequestSchema,
  createRefundRequestSchema,
  listEventsQuerySchema,
  listPaymentsQuerySchema,
} from '../payments/schemas';
import { listNotificationsQuerySchema } from '../notifications/schemas';
import { notificationResourceSchema } from '../notifications/response-schemas';
import { summaryQuerySchema, timeseriesQuerySchema } from '../analytics/schemas';
import { summaryResourceSchema, timeseriesResourceSchema } from '../analytics/response-schemas';
import { decideReviewRequestSchema, listReviewsQuerySchema } from '../fraud/schemas';
import { fraudLabelResourceSchema, reviewResourceSchema } from '../fraud/response-schemas';
import { API_ROUTES } from './routes';
import { IDEMPOTENCY_KEY_PATTERN } from '../shared/http/input/identifiers';

interface Operation {
  summary: string;
  request?: z.ZodType;
  query?: z.ZodObject;
  response: { status: number; schema: z.ZodType };
  idempotent?: boolean;
}

const eventSchema = z.object({}).passthrough().meta({ id: 'EventEnvelope' });
const healthSchema = z.object({ status: z.string(), database: z.string() }).meta({ id: 'Health' });

const OPERATIONS: Record<string, Operation> = {
  CreatePayment: {
    summary: 'Create a payment',
    request: createPaymentRequestSchema,
    response: { status: 201, schema: paymentResourceSchema },
    idempotent: true,
  },
  ListPayments: {
    summary: 'List payments, newest first',
    query: listPaymentsQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: listOf(paymentResourceSchema, 'PaymentList') },
  },
  GetPayment: {
    summary: 'One payment with its refunds',
    response: { status: 200, schema: paymentResourceSchema },
  },
  CreateRefund: {
    summary: 'Refund a payment in full or in part',
    request: createRefundRequestSchema,
    response: { status: 201, schema: refundResourceSchema },
    idempotent: true,
  },
  ListEvents: {
    summary: "The merchant's event feed, newest first",
    query: listEventsQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: listOf(eventSchema, 'EventList') },
  },
  Health: { summary: 'Liveness and database reachability', response: { status: 200, schema: healthSchema } },
  ListReviews: {
    summary: 'The manual review queue: open items, oldest first, with payment, risk score and reasons',
    query: listReviewsQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: listOf(reviewResourceSchema, 'ReviewList') },
  },
  DecideReview: {
    summary: 'Decide a review: approve or reject a held payment; confirm or mark fraud one in review',
    request: decideReviewRequestSchema,
    response: { status: 200, schema: reviewResourceSchema },
    idempotent: true,
  },
  ReportFraud: {
    summary:
      "Report a payment as fraud (a chargeback, the card holder's claim): the label reaches the fraud model's " +
      'feature store. No body; repeating it changes nothing and answers the same label',
    response: { status: 200, schema: fraudLabelResourceSchema },
  },
  ListNotifications: {
    summary: "A payment's notification audit log: every e-mail and SMS attempt and suppression, oldest first",
    query: listNotificationsQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: listOf(notificationResourceSchema, 'NotificationList') },
  },
  AnalyticsSummary: {
    summary: 'Volume, approval, fraud and refund rates, decision latency percentiles over a time range',
    query: summaryQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: summaryResourceSchema },
  },
  AnalyticsTimeseries: {
    summary: 'One metric per minute, hour or day over a time range, for charts',
    query: timeseriesQuerySchema as unknown as z.ZodObject,
    response: { status: 200, schema: timeseriesResourceSchema },
  },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  const ref = (schema: z.ZodType) => {
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    return id ? { $ref: `#/components/schemas/${id}` } : toJson(schema);
  };
  const problem = { content: { 'application/problem+json': { schema: ref(problemSchema) } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const op = OPERATIONS[route.name];
    if (!op) continue;
    const parameters: unknown[] = [];
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({
        name: name.slice(1, -1),
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      });
    }
    if (op.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN.source },
      });
    }
    const query = op.query
      ? (toJson(op.query) as { properties?: Record<string, unknown>; required?: string[] })
      : undefined;
    for (const [name, schema] of Object.entries(query?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema });
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.name.charAt(0).toLowerCase() + route.name.slice(1),
      summary: op.summary,
      security: route.scope === 'public' ? [] : [{ bearer: [route.scope] }],
      parameters,
      ...(op.request
        ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.request) } } } }
        : {}),
      responses: {
        [op.response.status]: {
          description: 'OK',
          content: { 'application/json': { schema: ref(op.response.schema) } },
        },
        '4XX': { description: 'The request cannot be served as sent (RFC 9457 problem)', ...problem },
      },
    };
  }
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'RamPay API',
      version: '1.0.0',
      description:
        'Payments, refunds and their events. Amounts are integer minor units; errors are RFC 9457 problems.',
    },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths,
  };
}

function toJson(schema: z.ZodType): unknown {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
