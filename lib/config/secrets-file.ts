import * as fs from 'fs';
import * as path from 'path';
import type { SecretPurpose } from '../../lambda/pipeline/secret-purposes';

/**
 * Where an environment's secrets live: KMS ciphertext (base64), never plain text, one JSON file per environment,
 * keyed by the secret's purpose (`sentry-dsn`, `langfuse-secret-key`). `logs-cli secret encrypt` writes it; the
 * config reads it; a forwarder is deployed only once its ciphertext is here. The ciphertext is safe to commit: only
 * the environment's logs key, under the purpose's encryption context, can decrypt it.
 */
export const SECRETS_DIR = path.join(__dirname, 'secrets');

/** Ciphertexts by purpose; the purposes (and their encryption contexts) are `lambda/pipeline/secret-purposes.ts`'s. */
export type EnvironmentSecrets = Readonly<Partial<Record<SecretPurpose, string>>>;

export function secretsFilePath(environment: string, dir: string = SECRETS_DIR): string {
  return path.join(dir, `${environment}.json`);
}

export function readEnvironmentSecrets(environment: string, dir: string = SECRETS_DIR): EnvironmentSecrets {
  const file = secretsFilePath(environment, dir);
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EnvironmentSecrets;
}

/** Writes one ciphertext, keeping the others; the file ends with a newline and sorted keys for clean diffs. */
export function writeEnvironmentSecret(
  environment: string,
  purpose: SecretPurpose,
  ciphertextBase64: string,
  dir: string = SECRETS_DIR,
): string {
  const current = { ...readEnvironmentSecrets(environment, dir), [purpose]: ciphertextBase64 };
  const sorted = Object.fromEntries(Object.entries(current).sort(([a], [b]) => a.localeCompare(b)));
  fs.mkdirSync(dir, { recursive: true });
  const file = secretsFilePath(environment, dir);
  fs.writeFileSync(file, JSON.stringify(sorted, null, 2) + '\n');
  return file;
}
