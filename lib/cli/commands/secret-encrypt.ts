import { EncryptCommand } from '@aws-sdk/client-kms';
import { SECRET_PURPOSES, SecretPurpose, secretPurpose } from '../../../lambda/pipeline/secret-purposes';
import { writeEnvironmentSecret } from '../../config/secrets-file';
import { CommandSpec, ParsedCommand, optionalString, requireString } from '../args';
import { awsCall } from '../aws';
import { CliError, usageError } from '../cli-error';
import { awsTarget, loadEnvironment } from '../environment';
import { CliDeps, CliIo } from '../io';
import { renderJson } from '../output';

/** KMS Encrypt takes at most 4,096 bytes of plaintext. */
export const MAX_KMS_PLAINTEXT_BYTES = 4096;

const PURPOSES = Object.keys(SECRET_PURPOSES) as SecretPurpose[];

export const SECRET_ENCRYPT_COMMAND: CommandSpec = {
  name: 'secret encrypt',
  summary: "encrypt a forwarder secret with the environment's logs key and store the ciphertext where the config reads it",
  usage: `secret encrypt --env <env> --name ${PURPOSES.join('|')} < secret.txt`,
  details: [
    'The value is read from stdin only, never from the command line (where shell history and ps would keep it). On a terminal it is asked for without echo; piped, everything up to EOF is the value (one trailing newline is dropped).',
    "It is encrypted with KMS under the environment's key alias and the purpose's encryption context ({ purpose: <name> }), so only that key, for that purpose, decrypts it. The base64 ciphertext goes to lib/config/secrets/<env>.json, safe to commit; the forwarder is deployed once it is there.",
  ],
  options: {
    env: { type: 'string', valueName: '<env>', description: 'Environment (dev, staging, prod, ...).' },
    name: { type: 'string', valueName: `<${PURPOSES.join('|')}>`, description: 'Which secret.' },
  },
  formats: ['table', 'json'],
  aws: true,
  rejectedOptionHint: 'the secret is read from stdin only, never from arguments (shell history and ps would keep it)',
  examples: [
    'printf %s "$SENTRY_DSN" | logs-cli secret encrypt --env prod --name sentry-dsn',
    'logs-cli secret encrypt --env staging --name langfuse-secret-key   # asks for it without echo',
  ],
};

/** Shape checks that catch pasting the wrong thing, without ever printing the value. */
const SHAPES: Readonly<Record<SecretPurpose, { readonly test: (v: string) => boolean; readonly expected: string }>> = {
  'sentry-dsn': { test: (v) => /^https?:\/\/[A-Za-z0-9]+(:[A-Za-z0-9]+)?@[^/\s@]+(\/[^\s@]*)?\/\d+$/.test(v), expected: 'a Sentry DSN (https://<public key>@<host>/<project id>)' },
  'langfuse-secret-key': { test: (v) => /^sk-lf-[A-Za-z0-9-]+$/.test(v), expected: 'a Langfuse secret key (sk-lf-…)' },
};

export async function runSecretEncryptCommand(parsed: ParsedCommand, io: CliIo, deps: CliDeps): Promise<number> {
  const environment = loadEnvironment(requireString(parsed, 'env', SECRET_ENCRYPT_COMMAND), deps);
  const name = requireString(parsed, 'name', SECRET_ENCRYPT_COMMAND);
  if (!(PURPOSES as string[]).includes(name)) throw usageError(`--name must be one of ${PURPOSES.join(', ')}, got "${name}"`);
  const purpose = name as SecretPurpose;

  const plaintext = await readSecret(io, purpose);
  try {
    const value = plaintext.toString('utf8');
    if (!SHAPES[purpose].test(value)) throw usageError(`the value on stdin is not ${SHAPES[purpose].expected}; nothing was encrypted`);
    if (plaintext.length > MAX_KMS_PLAINTEXT_BYTES) throw usageError(`the value is ${plaintext.length} bytes; KMS encrypts at most ${MAX_KMS_PLAINTEXT_BYTES}`);
    const target = awsTarget(environment, optionalString(parsed, 'region'), optionalString(parsed, 'profile'));
    const response = await awsCall(`KMS Encrypt with ${environment.kmsKeyAlias}`, target, () =>
      deps.clients(target).kms.send(
        new EncryptCommand({
          KeyId: environment.kmsKeyAlias,
          Plaintext: plaintext,
          EncryptionContext: { ...secretPurpose(purpose).encryptionContext },
        }),
      ),
    );
    if (!response.CiphertextBlob) throw new CliError('KMS Encrypt returned no ciphertext');
    const file = writeEnvironmentSecret(environment.name, purpose, Buffer.from(response.CiphertextBlob).toString('base64'), deps.secretsDir);
    const summary = { environment: environment.name, secret: purpose, keyId: response.KeyId, encryptionContext: secretPurpose(purpose).encryptionContext, file };
    if (parsed.output === 'json') io.stdout.write(renderJson(summary));
    else io.stdout.write(`Encrypted ${purpose} for ${environment.name} with ${response.KeyId ?? environment.kmsKeyAlias} (context purpose=${purpose}).\nWrote ${file}: commit it; the value itself was not stored anywhere.\n`);
    return 0;
  } finally {
    plaintext.fill(0);
  }
}

/** The secret from stdin: hidden prompt on a terminal, else everything until EOF; one trailing newline dropped. */
async function readSecret(io: CliIo, purpose: SecretPurpose): Promise<Buffer> {
  const raw = io.stdin.isTTY ? await readHidden(io, `${purpose} (input hidden, Enter to finish): `) : await readAll(io.stdin);
  const end = raw.length - (raw.subarray(-2).toString() === '\r\n' ? 2 : raw.subarray(-1).toString() === '\n' ? 1 : 0);
  const value = Buffer.from(raw.subarray(0, end));
  raw.fill(0);
  if (value.length === 0) {
    throw usageError('nothing on stdin: pipe the value in, e.g. printf %s "$SENTRY_DSN" | logs-cli secret encrypt --env <env> --name sentry-dsn');
  }
  return value;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const all = Buffer.concat(chunks);
  chunks.forEach((c) => c.fill(0));
  return all;
}

/** Reads one line from a terminal with echo off. */
function readHidden(io: CliIo, prompt: string): Promise<Buffer> {
  io.stderr.write(prompt);
  const stdin = io.stdin;
  return new Promise((resolve, reject) => {
    const bytes: number[] = [];
    const finish = (error?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(Buffer.from(bytes));
      bytes.fill(0);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const byte of Buffer.from(chunk)) {
        if (byte === 3) return finish(new CliError('interrupted; nothing was encrypted'));
        if (byte === 13 || byte === 10 || byte === 4) return finish();
        if (byte === 127 || byte === 8) bytes.pop();
        else bytes.push(byte);
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
