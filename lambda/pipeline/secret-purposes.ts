/**
 * The secrets the forwarders need, by purpose. Pure data with no imports: the CDK construct (which sets the env vars
 * and scopes `kms:Decrypt` to the encryption context), the CLI (which encrypts) and the Lambda loader all read this
 * one table.
 *
 * A secret is stored as KMS ciphertext (base64) in `<ciphertextEnv>`, encrypted with the environment's logs key under
 * `encryptionContext`. For local runs and tests the plain `<plainEnv>` variable overrides it.
 */
export const SECRET_PURPOSES = {
  'sentry-dsn': {
    plainEnv: 'SENTRY_DSN',
    ciphertextEnv: 'SENTRY_DSN_CIPHERTEXT',
    encryptionContext: { purpose: 'sentry-dsn' },
  },
  'langfuse-secret-key': {
    plainEnv: 'LANGFUSE_SECRET_KEY',
    ciphertextEnv: 'LANGFUSE_SECRET_KEY_CIPHERTEXT',
    encryptionContext: { purpose: 'langfuse-secret-key' },
  },
} as const;

export type SecretPurpose = keyof typeof SECRET_PURPOSES;

export interface SecretPurposeSpec {
  readonly plainEnv: string;
  readonly ciphertextEnv: string;
  readonly encryptionContext: Readonly<Record<'purpose', string>>;
}

export function secretPurpose(purpose: SecretPurpose): SecretPurposeSpec {
  return SECRET_PURPOSES[purpose];
}
