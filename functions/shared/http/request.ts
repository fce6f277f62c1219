import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { parseJsonBody } from './input/body';
import { decodePathSegment } from './input/path';
import { unacceptableInput } from './input/text';
import { problems, type FieldError } from './problem';

/** Bodies over this size are refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export { header };

/** The JSON body validated by `schema`; an absent body is validated as `{}`. */
export function parseBody<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  if (raw && raw.length > MAX_BODY_BYTES) {
    throw problems.payloadTooLarge(`the body is ${raw.length} bytes; the limit is ${MAX_BODY_BYTES} bytes`);
  }
  const contentType = header(event, 'content-type');
  if (raw && raw.length > 0 && contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    throw problems.unsupportedMediaType(`send the body as application/json, not ${contentType}`);
  }
  const value = raw && raw.length > 0 ? parseJsonBody(raw) : {};
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrors(result.error));
  return result.data;
}

export function parseQuery<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  const query = event.queryStringParameters ?? {};
  const unacceptable = unacceptableInput(query, ['query'], 'query');
  if (unacceptable) throw problems.validation([unacceptable]);
  const result = schema.safeParse(query);
  if (!result.success) throw problems.validation(fieldErrors(result.error, 'query'));
  return result.data;
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw problems.badRequest(`the path has no ${name}`);
  const decoded = decodePathSegment(value, name);
  const unacceptable = unacceptableInput(decoded, ['path', name]);
  if (unacceptable) throw problems.validation([unacceptable]);
  return decoded;
}

export function requiredHeader(event: APIGatewayProxyEventV2, name: string, why: string): string {
  const value = header(event, name)?.trim();
  if (!value) throw problems.badRequest(`the ${name} header is required: ${why}`);
  return value;
}
