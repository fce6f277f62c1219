import type * as Fauxqs from 'fauxqs';

export type FauxqsModule = typeof Fauxqs;
export type FauxqsServer = Fauxqs.FauxqsServer;

/**
 * fauxqs is ESM-only. A plain `import()` written here would be compiled to require() (tsc with module
 * commonjs, and swc under jest), which cannot load it; a dynamic import built at run time stays a real one, in
 * tsx, in node and in jest (run with --experimental-vm-modules).
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

let loaded: Promise<FauxqsModule> | undefined;

export function loadFauxqs(): Promise<FauxqsModule> {
  loaded ??= importEsm('fauxqs') as Promise<FauxqsModule>;
  return loaded;
}
