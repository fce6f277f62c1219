import { lookup } from 'node:dns/promises';
import type { AddressResolver } from '../ports';

/** The system resolver (what the connection would have used), every address of both families. */
export class DnsResolver implements AddressResolver {
  async resolve(hostname: string): Promise<string[]> {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((a) => a.address);
  }
}
