/**
 * The signed-in user's access token, kept for the browser tab (sessionStorage), and what it allows: the console
 * shows a page only when the token carries the scope its API calls need (the API checks again and answers 403).
 * Signed in through the hosted UI, the tab also keeps the refresh token, and trades it for a new access token
 * before the current one expires (refresh.ts).
 */
import type { ConsoleConfig, SignInConfig } from './config';
import { sessionOf, type Session } from './token';

export { refreshDelayMs, sessionOf, type Session } from './token';

const TOKEN_KEY = 'rampay.token';
const REFRESH_KEY = 'rampay.refresh';
const VERIFIER_KEY = 'rampay.pkce';

export const can = (session: Session, scope: string) => session.scopes.has(scope);
export const isOperator = (session: Session) => can(session, 'reviews:operate');

export function storedSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? sessionOf(token) : undefined;
}

export function keepToken(token: string): Session | undefined {
  const session = sessionOf(token);
  if (session) sessionStorage.setItem(TOKEN_KEY, token);
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
}

/** `#token=<jwt>` (the link `npm start` prints): taken once, then the fragment goes back to a page. */
export function tokenFromFragment(): string | undefined {
  const match = /^#token=([\w.-]+)$/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return match[1];
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const redirectUri = () => `${location.origin}${location.pathname}`;

/** Sends the browser to Cognito's hosted UI: authorization code with PKCE (S256) and a state value. */
export async function beginHostedSignIn(config: ConsoleConfig): Promise<void> {
  if (config.signIn.kind !== 'cognito') return;
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.signIn.clientId,
    redirect_uri: redirectUri(),
    scope: config.signIn.scopes.join(' '),
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  });
  location.assign(`${config.signIn.domain}/oauth2/authorize?${params}`);
}

/** Back from the hosted UI with `?code=&state=`: trades the code (and the PKCE verifier) for tokens. */
export async function finishHostedSignIn(config: ConsoleConfig): Promise<Session | undefined> {
  if (config.signIn.kind !== 'cognito') return undefined;
  const query = new URLSearchParams(location.search);
  const code = query.get('code');
  if (!code) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(VERIFIER_KEY);
  history.replaceState(null, '', `${location.pathname}#/`);
  if (!pending || pending.state !== query.get('state')) throw new Error('the sign-in answer does not match');
  return keepTokens(
    await tokenRequest(config.signIn, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  );
}

/** Whether this tab holds a refresh token (a hosted-UI sign-in; a pasted dev token has none). */
export const canRefresh = () => sessionStorage.getItem(REFRESH_KEY) !== null;

/** Trades the tab's refresh token for a new access token; throws when the token endpoint refuses it. */
export async function refreshSession(config: ConsoleConfig): Promise<Session | undefined> {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (config.signIn.kind !== 'cognito' || !refreshToken) return undefined;
  return keepTokens(
    await tokenRequest(config.signIn, { grant_type: 'refresh_token', refresh_token: refreshToken }),
  );
}

interface TokenResponse {
  access_token: string;
  /** Sent with the code's tokens; on a refresh only when the pool rotates refresh tokens. */
  refresh_token?: string;
}

async function tokenRequest(
  signIn: Extract<SignInConfig, { kind: 'cognito' }>,
  grant: Record<string, string>,
): Promise<TokenResponse> {
  const res = await fetch(`${signIn.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...grant, client_id: signIn.clientId }),
  });
  if (!res.ok) throw new Error(`the token endpoint answered ${res.status}`);
  return (await res.json()) as TokenResponse;
}

function keepTokens(tokens: TokenResponse): Session | undefined {
  if (tokens.refresh_token) sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  return keepToken(tokens.access_token);
}
