import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from './input/patterns';
import { problems } from './problem';
import { requiredHeader } from './request';

/** The Idempotency-Key header every POST must carry: 1-255 visible ASCII characters. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string {
  const key = requiredHeader(
    event,
    'Idempotency-Key',
    'send a unique key (e.g. a UUID) per intended operation',
  );
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw problems.badRequest(`the Idempotency-Key header ${IDEMPOTENCY_KEY_RULE}`);
  }
  return key;
}
