import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MERCHANT_CLAIM } from '../../functions/shared/http/auth';

export const LOCAL_ISSUER = 'https://rampay.local/issuer';
export const LOCAL_AUDIENCE = 'rampay-api';
const ALGORITHM = 'ES256';

export interface TokenRequest {
  merchantId: string;
  scopes: string[];
  /** seconds */
  ttl?: number;
  subject?: string;
}

/**
 * The local platform's JWT issuer. Its key pair lives under the platform's data folder so that tokens printed by
 * `npm run token` verify on the running platform. Tokens carry the same claims a Cognito access token would
 * (`scope`, `sub`) plus RamPay's merchant claim.
 */
export class LocalJwtIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
  ) {}

  static async open(dataDir: string): Promise<LocalJwtIssuer> {
    const file = path.join(dataDir, 'jwt-signing-key.json');
    let jwk: JWK;
    try {
      jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    } catch {
      const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      jwk = await exportJWK(privateKey);
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
    }
    const { d: _private, ...publicJwk } = jwk;
    return new LocalJwtIssuer(
      (await importJWK(jwk, ALGORITHM)) as CryptoKey,
      (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
    );
  }

  issue(request: TokenRequest): Promise<string> {
    return new SignJWT({ [MERCHANT_CLAIM]: request.merchantId, scope: request.scopes.join(' ') })
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(request.subject ?? `dev:${request.merchantId}`)
      .setIssuedAt()
      .setExpirationTime(`${request.ttl ?? 3600}s`)
      .sign(this.privateKey);
  }

  /** The verified claims, as API Gateway's JWT authorizer would pass them on; throws on any invalid token. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.publicKey, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
    });
    return payload;
  }
}
