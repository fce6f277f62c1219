/** Request schemas of the webhooks API: they validate requests and, with ./response-schemas.ts, produce the OpenAPI document. */
import * as z from 'zod';
import { EVENT_TYPES } from '../domain/events';
import { NotFoundError } from '../domain/errors';
import { cursorId, pageLimit } from '../shared/http/pagination';
import { text } from '../shared/http/input/text';
import { MAX_URL_LENGTH } from './destination';

export const createEndpointRequestSchema = z
  .object({
    url: text(MAX_URL_LENGTH)
      .min(1, { error: 'must not be empty' })
      .meta({ description: 'https:// URL on a public address, e.g. https://example.com/webhooks' }),
    events: z
      .array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` }), {
        error: 'must be a list of event types',
      })
      .min(1, { error: 'must name at least one event type (leave it out for every payment event)' })
      .max(EVENT_TYPES.length, { error: `must name at most ${EVENT_TYPES.length} event types` })
      .optional()
      .meta({
        description:
          'the event types to receive; every payment event when absent (WebhookEndpointDisabled only when named)',
      }),
    description: text(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookEndpointRequest' });
export type CreateEndpointRequest = z.infer<typeof createEndpointRequestSchema>;

/** The body of a POST that takes none (rotate, enable, disable, redeliver): nothing, or `{}`. */
export const emptyRequestSchema = z.object({}).strict().meta({ id: 'EmptyRequest' });

export const listEndpointsQuerySchema = z
  .object({ limit: pageLimit(), starting_after: cursorId('webhook endpoint').optional() })
  .strict();

export const listDeliveriesQuerySchema = z
  .object({ limit: pageLimit(), starting_after: cursorId('delivery').optional() })
  .strict();

const uuid = z.uuid();

/** An endpoint or delivery id from the path; anything that is not one names nothing, so it is not found. */
export function parseResourceId(raw: string, what: string): string {
  if (!uuid.safeParse(raw).success) throw new NotFoundError(`no ${what} ${raw}`);
  return raw.toLowerCase();
}
