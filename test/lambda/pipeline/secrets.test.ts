import { createLogger } from '../../../lambda/pipeline/logger';
import { SECRET_PURPOSES } from '../../../lambda/pipeline/secret-purposes';
import { createSecretLoader } from '../../../lambda/pipeline/secrets';

const DSN = 'https://0123456789abcdef0123456789abcdef@o450.ingest.sentry.io/4506';

describe('secret purposes', () => {
  test('name their env vars and encryption context', () => {
    expect(SECRET_PURPOSES['sentry-dsn']).toEqual({ plainEnv: 'SENTRY_DSN', ciphertextEnv: 'SENTRY_DSN_CIPHERTEXT', encryptionContext: { purpose: 'sentry-dsn' } });
    for (const [purpose, spec] of Object.entries(SECRET_PURPOSES)) expect(spec.encryptionContext).toEqual({ purpose });
  });
});

describe('createSecretLoader', () => {
  test('a plain env var overrides the ciphertext, and KMS is never called', async () => {
    const decrypt = jest.fn();
    const loader = createSecretLoader({ SENTRY_DSN: DSN, SENTRY_DSN_CIPHERTEXT: 'AQID' }, decrypt);
    await expect(loader.get('sentry-dsn')).resolves.toBe(DSN);
    expect(decrypt).not.toHaveBeenCalled();
  });

  test('decrypts once per container, under the purpose encryption context', async () => {
    const decrypt = jest.fn(async (ciphertext: Uint8Array, context: Readonly<Record<string, string>>) => {
      expect(Buffer.from(ciphertext)).toEqual(Buffer.from([1, 2, 3]));
      expect(context).toEqual({ purpose: 'sentry-dsn' });
      return Buffer.from(DSN);
    });
    const loader = createSecretLoader({ SENTRY_DSN_CIPHERTEXT: Buffer.from([1, 2, 3]).toString('base64') }, decrypt);
    await Promise.all([loader.get('sentry-dsn'), loader.get('sentry-dsn')]);
    await expect(loader.get('sentry-dsn')).resolves.toBe(DSN);
    expect(decrypt).toHaveBeenCalledTimes(1);
  });

  test('a failed decrypt is retried on the next call, not cached', async () => {
    const decrypt = jest.fn().mockRejectedValueOnce(new Error('AccessDeniedException')).mockResolvedValueOnce(Buffer.from(DSN));
    const loader = createSecretLoader({ SENTRY_DSN_CIPHERTEXT: 'AQID' }, decrypt);
    await expect(loader.get('sentry-dsn')).rejects.toThrow('AccessDeniedException');
    await expect(loader.get('sentry-dsn')).resolves.toBe(DSN);
  });

  test('is undefined when neither variable is set', async () => {
    await expect(createSecretLoader({}).get('sentry-dsn')).resolves.toBeUndefined();
  });

  test('a loaded secret can never be logged', async () => {
    const secret = 'lf-secret-value-9c0d1e2f3a4b';
    await createSecretLoader({ LANGFUSE_SECRET_KEY: secret }).get('langfuse-secret-key');
    const lines: string[] = [];
    createLogger({ service: 't', sink: (l) => lines.push(l) }).warn(`config was ${secret}`);
    expect(lines[0]).not.toContain(secret);
  });
});
