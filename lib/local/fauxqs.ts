import type * as Fauxqs from 'fauxqs';

export type FauxqsModule = typeof Fauxqs;
export type FauxqsServer = Fauxqs.FauxqsServer;

let loaded: Promise<FauxqsModule> | undefined;

/**
 * fauxqs is ESM-only (its package exports only an `import` condition). tsx and node keep this a real dynamic
 * import; under jest, swc turns it into require(), which jest.config.js maps to fauxqs's file and compiles.
 */
export function loadFauxqs(): Promise<FauxqsModule> {
  loaded ??= import('fauxqs');
  return loaded;
}
