/** The console's session: what a token opens, and when a hosted-UI session refreshes its access token. */
import { refreshDelayMs, sessionOf } from '../../console/src/token';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT: the console reads claims, the API checks signatures. */
const token = (claims: Record<string, unknown>) => `${base64url({ alg: 'RS256' })}.${base64url(claims)}.sig`;
// A whole second, now: sessionOf refuses a token that has expired by the clock.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const at = (seconds: number) => Math.floor(NOW / 1000) + seconds;

it("opens a session with the token's merchant, subject, scopes (prefix dropped) and lifetime", () => {
  const session = sessionOf(
    token({
      merchant_id: 'm_1',
      sub: 'staff:lena',
      scope: 'rampay/payments:read analytics:read',
      iat: at(0),
      exp: at(3600),
    }),
  );
  expect(session).toMatchObject({
    merchantId: 'm_1',
    subject: 'staff:lena',
    issuedAt: new Date(at(0) * 1000),
  });
  expect([...session!.scopes]).toEqual(['payments:read', 'analytics:read']);
});

it('refreshes an hour-long token five minutes before it expires', () => {
  const session = sessionOf(token({ iat: at(0), exp: at(3600) }))!;
  expect(refreshDelayMs(session, NOW)).toBe(55 * 60_000);
  expect(refreshDelayMs(session, NOW + 50 * 60_000)).toBe(5 * 60_000);
});

it('refreshes a token of a few minutes halfway through its life, and a late one at once', () => {
  const session = sessionOf(token({ iat: at(0), exp: at(6) }))!;
  expect(refreshDelayMs(session, NOW)).toBe(3000);
  expect(refreshDelayMs(session, NOW + 4000)).toBe(0);
});
