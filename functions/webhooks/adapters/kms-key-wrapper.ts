import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyWrapper } from '../ports';

/** Data keys from KMS (GenerateDataKey / Decrypt), bound to their endpoint by the encryption context. */
export class KmsKeyWrapper implements KeyWrapper {
  readonly kind = 'kms';

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  private context(endpointId: string) {
    return { purpose: 'rampay-webhook-secret', endpoint: endpointId };
  }

  async generateDataKey(endpointId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const out = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: this.context(endpointId),
      }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async unwrap(wrapped: Buffer, endpointId: string): Promise<Buffer> {
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: wrapped,
        EncryptionContext: this.context(endpointId),
      }),
    );
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext);
  }
}
