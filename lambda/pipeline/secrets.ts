import { registerSecretForScrubbing } from './logger';
import { secretPurpose, type SecretPurpose } from './secret-purposes';
import type { Env } from './env-names';

/**
 * Loads a forwarder secret once per container: the plain env var when set (local runs, tests), otherwise the KMS
 * ciphertext decrypted under the purpose's encryption context. `@aws-sdk/client-kms` is imported only on that path.
 * A failed decrypt is not cached, so the next invocation tries again; every loaded value is registered with the
 * logger so it can never be printed.
 */

export type Decrypt = (ciphertext: Uint8Array, encryptionContext: Readonly<Record<string, string>>) => Promise<Uint8Array>;

export interface SecretLoader {
  /** The secret, or undefined when the environment configures neither the plain nor the ciphertext variable. */
  get(purpose: SecretPurpose): Promise<string | undefined>;
}

export function createSecretLoader(env: Env, decrypt: Decrypt = decryptWithKms): SecretLoader {
  const cache = new Map<SecretPurpose, Promise<string | undefined>>();
  const load = async (purpose: SecretPurpose): Promise<string | undefined> => {
    const spec = secretPurpose(purpose);
    const plain = env[spec.plainEnv];
    if (plain !== undefined && plain.trim() !== '') return plain.trim();
    const ciphertext = env[spec.ciphertextEnv];
    if (ciphertext === undefined || ciphertext.trim() === '') return undefined;
    const bytes = await decrypt(Buffer.from(ciphertext.trim(), 'base64'), spec.encryptionContext);
    return Buffer.from(bytes).toString('utf8').trim();
  };
  return {
    get(purpose) {
      let pending = cache.get(purpose);
      if (!pending) {
        pending = load(purpose).then((value) => {
          if (value) registerSecretForScrubbing(value);
          return value;
        });
        pending.catch(() => cache.delete(purpose));
        cache.set(purpose, pending);
      }
      return pending;
    },
  };
}

async function decryptWithKms(ciphertext: Uint8Array, encryptionContext: Readonly<Record<string, string>>): Promise<Uint8Array> {
  const { KMSClient, DecryptCommand } = await import('@aws-sdk/client-kms');
  const answer = await new KMSClient({}).send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: { ...encryptionContext } }));
  if (!answer.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
  return answer.Plaintext;
}
