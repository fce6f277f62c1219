import * as z from 'zod';
// The services' response schemas register their component ids with `.meta({ id })`. Import order is
// registration order, which is the order of the document's components, so they come before the route list.
import { listOf, paymentResourceSchema, problemSchema } from '../payments/response-schemas';
import { notificationResourceSchema } from '../notifications/response-schemas';
import '../analytics/response-schemas';
import '../fraud/schemas';
import { operatorReviewResourceSchema, reviewResourceSchema } from '../fraud/response-schemas';
import '../webhooks/response-schemas';
import { API_ROUTES, type ApiRoute } from './routes';
import { IDEMPOTENCY_KEY_PATTERN } from '../shared/http/input/patterns';
import { EVENT_TYPES, MERCHANT_EVENT_TYPES } from '../domain/events';

// The list envelopes and the bodies of /events and /health, registered after the services' schemas (and so
// listed after them in the document).
const eventSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    version: z.literal(1),
    occurredAt: z.string(),
    merchantId: z.string(),
    paymentId: z
      .uuid()
      .optional()
      .meta({
        description: `the payment the event is about; absent on the merchant's own events (${MERCHANT_EVENT_TYPES.join(', ')})`,
      }),
    correlationId: z.string(),
    traceparent: z.string().optional(),
    data: z.object({}).passthrough().meta({ description: "the type's payload" }),
  })
  .meta({ id: 'EventEnvelope' });
z.object({ status: z.string(), database: z.string() }).meta({ id: 'Health' });
listOf(paymentResourceSchema, 'PaymentList');
listOf(eventSchema, 'EventList');
listOf(reviewResourceSchema, 'ReviewList');
listOf(notificationResourceSchema, 'NotificationList');
listOf(operatorReviewResourceSchema, 'OperatorReviewList');

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, Record<string, unknown>> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const component = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  const ref = (schema: z.ZodType) => {
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    return id ? component(id) : toJson(schema);
  };
  const problem = { content: { 'application/problem+json': { schema: ref(problemSchema) } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { route } of routes) {
    if (!(route.response.schema in schemas)) {
      throw new Error(
        `${route.name}: no response-schemas module registers a schema with id ${route.response.schema}`,
      );
    }
    const parameters: unknown[] = [];
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      parameters.push({
        name: name.slice(1, -1),
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      });
    }
    if (route.idempotent) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN.source },
      });
    }
    const query = route.query
      ? (toJson(route.query) as { properties?: Record<string, unknown>; required?: string[] })
      : undefined;
    for (const [name, schema] of Object.entries(query?.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query?.required?.includes(name) ?? false, schema });
    }
    // Every merchant's request is charged to a rate limit (functions/shared/http/rate-limit.ts); public ones are not.
    const limited = route.scope !== 'public';
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.name.charAt(0).toLowerCase() + route.name.slice(1),
      summary: route.summary,
      security: route.scope === 'public' ? [] : [{ bearer: [route.scope] }],
      parameters,
      ...(route.request
        ? { requestBody: { required: true, content: { 'application/json': { schema: ref(route.request) } } } }
        : {}),
      responses: {
        [route.response.status]: {
          description: 'OK',
          ...(limited ? { headers: RATE_LIMIT_HEADERS } : {}),
          content: { 'application/json': { schema: component(route.response.schema) } },
        },
        ...(limited
          ? {
              '429': {
                description:
                  "The merchant's limit for this class of route is used up: the problem names the limit; retry after Retry-After seconds",
                headers: {
                  ...RATE_LIMIT_HEADERS,
                  'Retry-After': { $ref: '#/components/headers/Retry-After' },
                },
                ...problem,
              },
            }
          : {}),
        '4XX': {
          description: 'The request cannot be served as sent (RFC 9457 problem)',
          ...(limited ? { headers: RATE_LIMIT_HEADERS } : {}),
          ...problem,
        },
      },
    };
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
      headers: {
        'RateLimit-Policy': {
          description:
            'The limit the request was charged to (IETF RateLimit header fields): its name (reads, writes, refunds, reviews), quota q and window w in seconds, e.g. "writes";q=100;w=1',
          schema: { type: 'string' },
        },
        RateLimit: {
          description:
            'What is left of that limit: remaining requests r and seconds t until it is whole again (until one request fits, on a 429), e.g. "writes";r=42;t=1',
          schema: { type: 'string' },
        },
        'Retry-After': {
          description: 'Seconds to wait before retrying',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    },
    paths,
  };
}

const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
  RateLimit: { $ref: '#/components/headers/RateLimit' },
};

function toJson(schema: z.ZodType): unknown {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
