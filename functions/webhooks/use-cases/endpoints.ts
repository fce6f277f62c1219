/** Merchants' webhook endpoints: register, read, list, delete, rotate the secret, enable and disable. */
import type { EventType } from '../../domain/events';
import { InvalidInputError, NotFoundError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { parseEndpointUrl, resolveDestination, UnsafeDestinationError } from '../destination';
import type {
  AddressResolver,
  EndpointStatus,
  EndpointStore,
  Page,
  PageOf,
  SecretSealer,
  WebhookEndpoint,
} from '../ports';
import type { WebhookSettings } from '../settings';
import { generateSecret } from '../signature';

export interface EndpointDeps {
  endpoints: EndpointStore;
  sealer: SecretSealer;
  resolver: AddressResolver;
  settings: WebhookSettings;
}

/** How long a rotated secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export interface RegisterEndpoint {
  url: string;
  events?: EventType[];
  description?: string;
}

/** An endpoint with its secret still sealed: what an idempotent result may store; the answer opens it. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  sealedSecret: string;
}

async function checkedUrl(deps: EndpointDeps, raw: string): Promise<string> {
  try {
    const url = parseEndpointUrl(raw, deps.settings);
    await resolveDestination(url, deps.resolver, deps.settings);
    return url.toString();
  } catch (error) {
    if (error instanceof UnsafeDestinationError)
      throw new InvalidInputError([{ field: 'url', message: error.message }]);
    throw error;
  }
}

export async function registerEndpoint(
  deps: EndpointDeps,
  merchantId: string,
  request: RegisterEndpoint,
): Promise<EndpointWithSecret> {
  const url = await checkedUrl(deps, request.url);
  const id = newId();
  const sealedSecret = await deps.sealer.seal(generateSecret(), id);
  const endpoint = await deps.endpoints.create({
    id,
    merchantId,
    url,
    events: request.events ? [...new Set(request.events)] : null,
    description: request.description ?? null,
    secretSealed: sealedSecret,
  });
  return { endpoint, sealedSecret };
}

export async function getEndpoint(deps: Pick<EndpointDeps, 'endpoints'>, merchantId: string, id: string) {
  const endpoint = await deps.endpoints.find(merchantId, id);
  if (!endpoint) throw new NotFoundError(`no webhook endpoint ${id}`);
  return endpoint;
}

export async function listEndpoints(
  deps: Pick<EndpointDeps, 'endpoints'>,
  merchantId: string,
  page: Page,
): Promise<PageOf<WebhookEndpoint>> {
  const found = await deps.endpoints.list(merchantId, page);
  if (found === 'unknown-cursor')
    throw new InvalidInputError([
      {
        field: 'query.starting_after',
        message: `no webhook endpoint ${page.startingAfter} to continue after`,
      },
    ]);
  return found;
}

export async function deleteEndpoint(deps: Pick<EndpointDeps, 'endpoints'>, merchantId: string, id: string) {
  if (!(await deps.endpoints.delete(merchantId, id))) throw new NotFoundError(`no webhook endpoint ${id}`);
}

export async function rotateSecret(
  deps: EndpointDeps,
  merchantId: string,
  id: string,
  now = new Date(),
): Promise<EndpointWithSecret> {
  await getEndpoint(deps, merchantId, id);
  const sealedSecret = await deps.sealer.seal(generateSecret(), id);
  const endpoint = await deps.endpoints.rotate(
    merchantId,
    id,
    sealedSecret,
    new Date(now.getTime() + ROTATION_OVERLAP_MS),
  );
  if (!endpoint) throw new NotFoundError(`no webhook endpoint ${id}`);
  return { endpoint, sealedSecret };
}

export async function setEndpointStatus(
  deps: Pick<EndpointDeps, 'endpoints'>,
  merchantId: string,
  id: string,
  status: EndpointStatus,
): Promise<WebhookEndpoint> {
  const endpoint = await deps.endpoints.setStatus(merchantId, id, status);
  if (!endpoint) throw new NotFoundError(`no webhook endpoint ${id}`);
  return endpoint;
}
