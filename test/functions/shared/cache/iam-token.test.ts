import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { cacheAuthToken } from '../../../../functions/shared/cache/iam-token';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+with=reserved',
};
const user = {
  cacheName: 'rampay-dev',
  userId: 'rampay-dev-app',
  region: 'eu-west-1',
  credentials: async () => credentials,
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query signing written out from AWS's description, to check the token without RamPay's signer. */
function expectedSignature(host: string, params: URLSearchParams): string {
  const date = params.get('X-Amz-Date')!;
  const scope = params.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const query = [...params]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .sort()
    .join('&');
  const canonicalRequest = ['GET', '/', query, `host:${host}`, '', 'host', sha256('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  const [day, region, service] = scope.split('/') as [string, string, string];
  const key = ['aws4_request'].reduce(
    (k, part) => hmac(k, part),
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service),
  );
  return hmac(key, stringToSign).toString('hex');
}

describe('the ElastiCache IAM authentication token', () => {
  it('is a connect request for the user on the serverless cache, presigned for 15 minutes with SigV4', async () => {
    const token = await cacheAuthToken(user, new Date('2026-12-07T05:30:00Z'));
    expect(token.startsWith('rampay-dev/?')).toBe(true);
    expect(token).not.toMatch(/^https?:/);
    const params = new URL(`http://${token}`).searchParams;
    expect(Object.fromEntries(params)).toMatchObject({
      Action: 'connect',
      User: 'rampay-dev-app',
      ResourceType: 'ServerlessCache',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20261207/eu-west-1/elasticache/aws4_request',
      'X-Amz-Date': '20261207T053000Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
      'X-Amz-Security-Token': credentials.sessionToken,
    });
    expect(params.get('X-Amz-Signature')).toBe(expectedSignature('rampay-dev', params));
  });

  it('signs whatever the user id and time, and a token signed for one user does not fit another', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,39}$/),
        fc.date({ min: new Date('2024-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        async (userId, at) => {
          const token = await cacheAuthToken({ ...user, userId }, at);
          const params = new URL(`http://${token}`).searchParams;
          expect(params.get('User')).toBe(userId);
          const signature = expectedSignature('rampay-dev', params);
          expect(params.get('X-Amz-Signature')).toBe(signature);
          params.set('User', `${userId}x`);
          expect(expectedSignature('rampay-dev', params)).not.toBe(signature);
        },
      ),
      { numRuns: 25 },
    );
  });
});
