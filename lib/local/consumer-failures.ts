/**
 * GET /local/consumer-failures?consumer=<name>&event_id=<id>[&event_id=...]: the last failure the consumer recorded
 * of each event (functions/shared/consumer/failures.ts), which `npm run dlq -- peek --local` shows beside each DLQ
 * message. No customer data: ids, the error's class, a reason that names none, the attempt and its time.
 */
import * as z from 'zod';
import { lastFailures } from '../../functions/shared/consumer';
import type { Sql } from '../../functions/shared/db/client';
import { CONSUMER_NAMES } from '../../functions/shared/events/topology';
import { identifier } from '../../functions/shared/http/input/identifiers';
import { problemResponse, problems } from '../../functions/shared/http/problem';
import { fieldErrors } from '../../functions/shared/http/request';
import type { LocalRoute } from './http-server';

export const CONSUMER_FAILURES_PATH = '/local/consumer-failures';
/** As many events as `npm run dlq -- peek` asks about at once. */
export const MAX_EVENTS_ASKED = 100;

const querySchema = z.object({
  consumer: z.enum(CONSUMER_NAMES, { error: `must be one of ${CONSUMER_NAMES.join(', ')}` }),
  event_id: z
    .array(identifier('event id', { max: 255 }))
    .min(1, { error: 'name at least one event_id' })
    .max(MAX_EVENTS_ASKED, { error: `name at most ${MAX_EVENTS_ASKED} event_id values` }),
});

export function consumerFailuresRoute(sql: Sql): LocalRoute {
  return {
    method: 'GET',
    path: CONSUMER_FAILURES_PATH,
    serve: async (request) => {
      const params = request?.url?.searchParams ?? new URLSearchParams();
      const query = querySchema.safeParse({
        consumer: params.get('consumer') ?? undefined,
        event_id: params.getAll('event_id'),
      });
      if (!query.success) {
        const problem = problemResponse(
          problems.validation(fieldErrors(query.error, 'query')),
          CONSUMER_FAILURES_PATH,
        );
        return { status: problem.statusCode!, body: problem.body, contentType: 'application/problem+json' };
      }
      const data = await lastFailures(sql, query.data.consumer, query.data.event_id);
      return { status: 200, body: { object: 'list', data } };
    },
  };
}
