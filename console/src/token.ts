/** What an access token says (its claims, read without checking: the API checks it), and when to renew it. */

export interface Session {
  token: string;
  merchantId: string;
  subject: string;
  scopes: ReadonlySet<string>;
  /** When the token was issued (its `iat`; when it has none, when the console received it). */
  issuedAt: Date;
  expiresAt: Date;
}

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Record<string, unknown>;
}

/** The session a token opens, or undefined when it is not a JWT or has expired. */
export function sessionOf(token: string): Session | undefined {
  try {
    const claims = claimsOf(token);
    const listed = (v: unknown) => (typeof v === 'string' ? v.split(' ').filter(Boolean) : []);
    // Cognito names scopes `<resource server>/<scope>`; the API compares them without the prefix.
    const scopes = new Set(
      [...listed(claims.scope), ...listed(claims.scp)].map((s) => s.replace(/^.*\//, '')),
    );
    const expiresAt = new Date(Number(claims.exp) * 1000);
    if (!(expiresAt.getTime() > Date.now())) return undefined;
    return {
      token,
      merchantId: String(claims.merchant_id ?? ''),
      subject: String(claims.sub ?? claims.merchant_id ?? ''),
      scopes,
      issuedAt: typeof claims.iat === 'number' ? new Date(claims.iat * 1000) : new Date(),
      expiresAt,
    };
  } catch {
    return undefined;
  }
}

/** How long until the refresh: five minutes before the token expires, or halfway through a life under ten. */
export function refreshDelayMs(session: Session, now = Date.now()): number {
  const expires = session.expiresAt.getTime();
  const halfway = session.issuedAt.getTime() + (expires - session.issuedAt.getTime()) / 2;
  return Math.max(0, expires - 5 * 60_000 - now, halfway - now);
}
