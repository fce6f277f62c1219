import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  UnprocessableError,
  type FieldError,
} from '../../domain/errors';

export type { FieldError } from '../../domain/errors';

/**
 * An RFC 9457 problem. Throw one anywhere below a handler; the HTTP plumbing turns it into
 * an `application/problem+json` response. `detail` must tell the client what to fix.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers the problem needs, e.g. WWW-Authenticate on a 401. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  get type(): string {
    return `https://rampay.dev/problems/${this.slug}`;
  }
}

/** An RFC 6750 auth-param value: a quoted string of visible ASCII without `"` or `\`. */
const authParam = (value: string) => `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ')}"`;

/**
 * RFC 6750's challenge: bare `Bearer` when the request carried no token, `error="invalid_token"` with the reason
 * when it carried one that cannot be accepted.
 */
export function bearerChallenge(error?: {
  code: 'invalid_token' | 'insufficient_scope';
  detail: string;
  scope?: string;
}): string {
  if (!error) return 'Bearer';
  const params = [`error=${authParam(error.code)}`, `error_description=${authParam(error.detail)}`];
  if (error.scope) params.push(`scope=${authParam(error.scope)}`);
  return `Bearer ${params.join(', ')}`;
}

export const problems = {
  validation: (errors: readonly FieldError[]) =>
    new Problem(
      400,
      'validation-error',
      'The request is invalid',
      errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      { errors },
    ),
  badRequest: (detail: string) => new Problem(400, 'bad-request', 'The request is malformed', detail),
  /** 401 for a request without a token. */
  unauthenticated: (detail: string) =>
    new Problem(
      401,
      'unauthorized',
      'Authentication required',
      detail,
      {},
      { 'www-authenticate': bearerChallenge() },
    ),
  /** 401 for a token that cannot be accepted (bad signature, expired, a claim out of format). */
  unauthorized: (detail: string) =>
    new Problem(
      401,
      'unauthorized',
      'Authentication required',
      detail,
      {},
      { 'www-authenticate': bearerChallenge({ code: 'invalid_token', detail }) },
    ),
  forbidden: (detail: string) => new Problem(403, 'forbidden', 'Not allowed', detail),
  insufficientScope: (scope: string) => {
    const detail = `this operation needs the ${scope} scope`;
    return new Problem(
      403,
      'forbidden',
      'Not allowed',
      detail,
      {},
      {
        'www-authenticate': bearerChallenge({ code: 'insufficient_scope', detail, scope }),
      },
    );
  },
  notFound: (detail: string) => new Problem(404, 'not-found', 'Not found', detail),
  conflict: (slug: string, detail: string, extensions?: Record<string, unknown>) =>
    new Problem(409, slug, 'Conflict', detail, extensions),
  unprocessable: (slug: string, detail: string, extensions?: Record<string, unknown>) =>
    new Problem(422, slug, 'Unprocessable request', detail, extensions),
  payloadTooLarge: (detail: string) => new Problem(413, 'payload-too-large', 'Payload too large', detail),
  unsupportedMediaType: (detail: string) =>
    new Problem(415, 'unsupported-media-type', 'Unsupported media type', detail),
};

/**
 * The problem a domain error (functions/domain/errors.ts) answers as, or a Problem as it is; undefined for
 * anything else (an unexpected error: the caller answers 500 and logs it).
 */
export function problemFor(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof NotFoundError) return problems.notFound(error.message);
  if (error instanceof InvalidInputError) return problems.validation(error.errors);
  if (error instanceof ForbiddenError) return problems.forbidden(error.message);
  if (error instanceof ConflictError) return problems.conflict(error.slug, error.message, error.facts);
  if (error instanceof UnprocessableError)
    return problems.unprocessable(error.slug, error.message, error.facts);
  return undefined;
}

export function problemResponse(
  problem: Problem,
  instance: string | undefined,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...problem.headers, ...headers },
    body: JSON.stringify({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      instance,
      ...problem.extensions,
    }),
  };
}
