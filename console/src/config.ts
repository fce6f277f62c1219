/**
 * Where the console finds the API and how it signs in, read from /config.json next to index.html: the local
 * platform serves one (dev sign-in with a local token), the console stack deploys one (Cognito hosted UI).
 */
export type SignInConfig =
  | { kind: 'dev' }
  | {
      kind: 'cognito';
      /** The hosted UI's base address, e.g. https://rampay-prod-123.auth.eu-west-1.amazoncognito.com */
      domain: string;
      clientId: string;
      scopes: string[];
    };

export interface ConsoleConfig {
  /** The API's base address; '' for the same origin. */
  apiUrl: string;
  signIn: SignInConfig;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}
