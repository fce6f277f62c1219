/**
 * Where a webhook may go (server-side request forgery defence). An endpoint's URL is https:// (or, only where
 * WEBHOOKS_ALLOW_LOOPBACK_HTTP is set, as on the local platform, http://127.0.0.1), and every address its host
 * resolves to must be public unicast: private, loopback, link-local (169.254.169.254, the instance metadata
 * service, among them), unique-local, carrier-grade NAT, multicast, reserved and IPv6 transition ranges are
 * refused. Checked at registration and again before every attempt, whose connection then goes to the address
 * that was checked (a rebinding DNS answer cannot slip another one in between).
 */
import ipaddr from 'ipaddr.js';
import type { AddressResolver } from './ports';

export const MAX_URL_LENGTH = 2048;
const LOOPBACK_HOST = '127.0.0.1';

/** A URL or destination webhooks may not use; the message says why, for the merchant. */
export class UnsafeDestinationError extends Error {
  override name = 'UnsafeDestinationError';
}

export interface Destination {
  url: URL;
  /** The checked address the connection must use. */
  address: string;
  family: 4 | 6;
}

export interface DestinationRules {
  allowLoopbackHttp: boolean;
}

/** The URL's own rules (scheme, credentials, length), before any DNS. */
export function parseEndpointUrl(raw: string, rules: DestinationRules): URL {
  if (raw.length > MAX_URL_LENGTH)
    throw new UnsafeDestinationError(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeDestinationError('must be an absolute URL, e.g. https://example.com/webhooks');
  }
  const loopback = rules.allowLoopbackHttp && url.protocol === 'http:' && url.hostname === LOOPBACK_HOST;
  if (url.protocol !== 'https:' && !loopback)
    throw new UnsafeDestinationError(
      rules.allowLoopbackHttp
        ? `must be https:// (or http://${LOOPBACK_HOST} on the local platform)`
        : 'must be an https:// URL',
    );
  if (url.username || url.password)
    throw new UnsafeDestinationError('must not carry a user name or password');
  if (url.hash) throw new UnsafeDestinationError('must not have a #fragment');
  return url;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Why `address` may not be called, or undefined when it may. */
export function refusedAddress(address: string, loopbackAllowed: boolean): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  if (loopbackAllowed && parsed.kind() === 'ipv4' && parsed.toString() === LOOPBACK_HOST) return undefined;
  const range = parsed.range();
  return range === 'unicast' ? undefined : `it resolves to a ${range} address, which webhooks may not call`;
}

/**
 * The destination of `url`: its host resolved, every address checked, the first one kept for the connection.
 * Throws UnsafeDestinationError when the URL or any address is refused, or the host does not resolve.
 */
export async function resolveDestination(
  url: URL,
  resolver: AddressResolver,
  rules: DestinationRules,
): Promise<Destination> {
  const host = hostOf(url);
  const loopbackAllowed = rules.allowLoopbackHttp && url.protocol === 'http:' && host === LOOPBACK_HOST;
  let addresses: string[];
  if (ipaddr.isValid(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await resolver.resolve(host);
    } catch {
      throw new UnsafeDestinationError(`its host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new UnsafeDestinationError(`its host ${host} does not resolve`);
  }
  for (const address of addresses) {
    const refused = refusedAddress(address, loopbackAllowed);
    if (refused) throw new UnsafeDestinationError(refused);
  }
  const address = ipaddr.process(addresses[0]!).toString();
  return { url, address, family: ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4 };
}
