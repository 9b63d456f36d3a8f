import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SECRET_PURPOSES, SecretPurpose } from '../../lambda/pipeline/secret-purposes';
import { pascalCase } from './forwarder-names';

/** A secret a forwarder needs, as the config holds it: KMS ciphertext (base64) of the logs key, never plain text. */
export interface ForwarderSecret {
  readonly purpose: SecretPurpose;
  readonly ciphertextBase64: string;
}

/**
 * The environment variables that carry the secrets: only the ciphertext, under the name the Lambda's loader reads
 * (`SECRET_PURPOSES`). The plain override (`SENTRY_DSN`, `LANGFUSE_SECRET_KEY`) is for local runs and is never set
 * here.
 */
export function secretEnvironment(secrets: readonly ForwarderSecret[]): Record<string, string> {
  return Object.fromEntries(secrets.map((s) => [SECRET_PURPOSES[s.purpose].ciphertextEnv, s.ciphertextBase64]));
}

/**
 * `kms:Decrypt` on the logs key, only under each secret's encryption context (`kms:EncryptionContext:purpose`):
 * the role can open the secrets it was given and no other ciphertext of that key. The keys of the context are
 * matched with `ForAllValues` too, so a ciphertext carrying extra context entries is refused as well.
 */
export function secretDecryptStatements(key: kms.IKey, secrets: readonly ForwarderSecret[]): iam.PolicyStatement[] {
  return secrets.map((secret) => {
    const context = SECRET_PURPOSES[secret.purpose].encryptionContext;
    return new iam.PolicyStatement({
      sid: `DecryptOnly${pascalCase(secret.purpose)}`,
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: {
        StringEquals: Object.fromEntries(Object.entries(context).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': Object.keys(context) },
      },
    });
  });
}
