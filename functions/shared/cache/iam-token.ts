import { formatUrl } from '@aws-sdk/core/util';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';

/** How long a token may be used to open a connection (ElastiCache accepts at most 15 minutes). */
const TOKEN_SECONDS = 900;

type SigningCredentials = ReturnType<typeof fromEnv>;

export interface CacheIamUser {
  /** The serverless cache's name (lower case), not its endpoint. */
  cacheName: string;
  /** The ElastiCache user's id, which IAM authentication requires to equal its name. */
  userId: string;
  region: string;
  /** The credentials to sign with; by default the environment's (on Lambda, the function's role). */
  credentials?: SigningCredentials;
}

/**
 * An IAM authentication token for ElastiCache Serverless: a `connect` request presigned with SigV4 for the
 * `elasticache` service, sent as the password of AUTH. Signed locally with the role's credentials, no network
 * call, so nothing secret is read or stored; the role needs `elasticache:Connect` on the cache and the user.
 */
export async function cacheAuthToken(user: CacheIamUser, signingDate?: Date): Promise<string> {
  const signer = new SignatureV4({
    service: 'elasticache',
    region: user.region,
    credentials: user.credentials ?? fromEnv(),
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: user.cacheName,
    path: '/',
    query: { Action: 'connect', User: user.userId, ResourceType: 'ServerlessCache' },
    headers: { host: user.cacheName },
  });
  const presigned = await signer.presign(request, { expiresIn: TOKEN_SECONDS, signingDate });
  return formatUrl(presigned).replace('http://', '');
}
