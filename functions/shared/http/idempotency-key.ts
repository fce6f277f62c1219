import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { problems } from './problem';
import { requiredHeader } from './request';

/** The Idempotency-Key header every POST must carry: 1-255 visible ASCII characters. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string {
  const key = requiredHeader(
    event,
    'Idempotency-Key',
    'send a unique key (e.g. a UUID) per intended operation',
  );
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw problems.badRequest('the Idempotency-Key header must be 1 to 255 visible ASCII characters');
  }
  return key;
}
