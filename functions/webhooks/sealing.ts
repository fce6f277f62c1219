/**
 * Secrets at rest: each one sealed with AES-256-GCM under a data key of its own, the data key stored wrapped by
 * a KeyWrapper (KMS on AWS, the local key file on `npm start`), bound to its endpoint (additional data), so a
 * sealed value copied to another endpoint does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyWrapper, SecretSealer } from './ports';

const FORMAT = 'v1';

export class EnvelopeSealer implements SecretSealer {
  /** Opened secrets by sealed value: a delivery opens its endpoint's secret without a KMS call each time. */
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly wrapper: KeyWrapper,
    private readonly cacheSize = 1000,
  ) {}

  async seal(secret: string, endpointId: string): Promise<string> {
    const { plaintext, wrapped } = await this.wrapper.generateDataKey(endpointId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', plaintext, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    plaintext.fill(0);
    return [
      FORMAT,
      this.wrapper.kind,
      wrapped.toString('base64'),
      iv.toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  async open(sealed: string, endpointId: string): Promise<string> {
    const cacheKey = `${endpointId}:${sealed}`;
    const known = this.opened.get(cacheKey);
    if (known !== undefined) return known;
    const [format, kind, wrapped, iv, body] = sealed.split(':');
    if (format !== FORMAT || !wrapped || !iv || !body) throw new Error('not a sealed webhook secret');
    if (kind !== this.wrapper.kind)
      throw new Error(`this secret was sealed by ${kind}, not ${this.wrapper.kind}`);
    const key = await this.wrapper.unwrap(Buffer.from(wrapped, 'base64'), endpointId);
    const data = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const secret = Buffer.concat([
      decipher.update(data.subarray(0, data.length - 16)),
      decipher.final(),
    ]).toString('utf8');
    key.fill(0);
    if (this.opened.size >= this.cacheSize) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(cacheKey, secret);
    return secret;
  }
}
