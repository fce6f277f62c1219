import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MERCHANT_CLAIM } from '../../functions/shared/http/auth';
import { isMerchantId, MERCHANT_ID_RULE } from '../../functions/shared/http/input/patterns';

type CryptoKey = webcrypto.CryptoKey;

export const LOCAL_ISSUER = 'https://rampay.local/issuer';
export const LOCAL_AUDIENCE = 'rampay-api';
/** API Gateway's JWT authorizer verifies RSA signatures only. */
const ALGORITHM = 'RS256';
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

export interface TokenRequest {
  merchantId: string;
  scopes: string[];
  /** seconds */
  ttl?: number;
  subject?: string;
}

/** A token the local platform refuses; the message says why, in words fit for a 401's detail. */
export class TokenRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/** `open(dataDir, { create: false })` found no signing key in the data folder. */
export class NoSigningKey extends Error {
  constructor(readonly file: string) {
    super(`no signing key at ${file}`);
    this.name = 'NoSigningKey';
  }
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
    /** The key id, as the issuer's JWKS would publish it. */
    readonly kid: string,
  ) {}

  /** The issuer whose key is in `dataDir`; a new key is made there unless `create` is false. */
  static async open(dataDir: string, options: { create?: boolean } = {}): Promise<LocalJwtIssuer> {
    const file = path.join(dataDir, 'jwt-signing-key.json');
    let jwk: JWK | undefined;
    try {
      jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    } catch {
      jwk = undefined;
    }
    // A key from before the issuer signed RS256 (an EC key) is replaced.
    if (jwk?.kty !== 'RSA') {
      if (options.create === false) throw new NoSigningKey(file);
      const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true, modulusLength: 2048 });
      jwk = await exportJWK(privateKey);
      await mkdir(dataDir, { recursive: true });
      await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    return new LocalJwtIssuer(
      (await importJWK(jwk, ALGORITHM)) as CryptoKey,
      (await importJWK(publicJwk, ALGORITHM)) as CryptoKey,
      await calculateJwkThumbprint(publicJwk),
    );
  }

  issue(request: TokenRequest): Promise<string> {
    return new SignJWT({ [MERCHANT_CLAIM]: request.merchantId, scope: request.scopes.join(' ') })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(request.subject ?? `dev:${request.merchantId}`)
      .setIssuedAt()
      .setExpirationTime(`${request.ttl ?? 3600}s`)
      .sign(this.privateKey);
  }

  /**
   * The verified claims, as API Gateway's JWT authorizer would pass them on. Accepts exactly what that authorizer
   * accepts: a `kid` of the issuer's keys, an RSA signature, the issuer, the audience (`aud`, or `client_id` when
   * there is no `aud`), `exp` after now, `nbf` and `iat` (when present) not after now; and, as every handler
   * requires, a merchant claim of the merchant id format. Throws TokenRejected saying why.
   */
  async verify(token: string, now: Date = new Date()): Promise<JWTPayload> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw new TokenRejected('the token is not a JWT');
    }
    if (kid !== this.kid) throw new TokenRejected("the token's kid names no key of the issuer");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: RSA_ALGORITHMS,
        issuer: LOCAL_ISSUER,
        requiredClaims: ['exp'],
        currentDate: now,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenRejected('the token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) {
        throw new TokenRejected(`the token's ${error.claim} claim is not acceptable (${error.reason})`);
      }
      throw new TokenRejected('the token is not valid (signature or algorithm)');
    }
    const seconds = Math.floor(now.getTime() / 1000);
    if (payload.iat !== undefined && payload.iat > seconds) {
      throw new TokenRejected("the token's iat is in the future");
    }
    const audiences = payload.aud === undefined ? [] : [payload.aud].flat();
    const audienceOk =
      payload.aud === undefined ? payload.client_id === LOCAL_AUDIENCE : audiences.includes(LOCAL_AUDIENCE);
    if (!audienceOk) throw new TokenRejected(`the token is not for this API (aud ${LOCAL_AUDIENCE})`);
    if (!isMerchantId(payload[MERCHANT_CLAIM])) {
      throw new TokenRejected(`the token's ${MERCHANT_CLAIM} claim must be ${MERCHANT_ID_RULE}`);
    }
    return payload;
  }
}
