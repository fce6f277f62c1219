import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KeyWrapper } from '../ports';

/**
 * Data keys wrapped with AES-256-GCM under a 32-byte key of the local platform's data directory (created on
 * first use, readable by its owner only): what KMS does on AWS, for `npm start`.
 */
export class LocalKeyWrapper implements KeyWrapper {
  readonly kind = 'local';

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the local webhook key must be 32 bytes');
  }

  static fromFile(file: string): LocalKeyWrapper {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    return new LocalKeyWrapper(readFileSync(file));
  }

  async generateDataKey(context: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const plaintext = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const wrapped = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { plaintext, wrapped };
  }

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
  }
}
