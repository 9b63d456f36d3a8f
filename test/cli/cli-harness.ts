import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KMSClient } from '@aws-sdk/client-kms';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { AWS_MAX_ATTEMPTS } from '../../lib/cli/aws';
import { CliDeps, CliIo } from '../../lib/cli/io';
import { runCli } from '../../lib/cli/main';

/** Static fake credentials: tests never reach AWS, and the SDK must not look for real ones. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const FIXED_NOW = new Date('2026-11-21T09:30:00.000Z');

export const fixture = <T = unknown>(name: string): T =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'aws', name), 'utf8')) as T;

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

export function captureIo(stdin: string | Buffer = '', options: { signal?: AbortSignal } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => void (out += text) },
    stderr: { write: (text: string) => void (err += text) },
    stdin: Readable.from([Buffer.from(stdin)]),
    signal: options.signal,
    out: () => out,
    err: () => err,
  };
}

/** A temporary secrets directory, optionally with ciphertexts already in place. */
export function tempSecretsDir(files: Record<string, Record<string, string>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-cli-secrets-'));
  for (const [environment, secrets] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, `${environment}.json`), JSON.stringify(secrets));
  }
  return dir;
}

/**
 * Dependencies with fake credentials, a fixed clock, no real waiting between polls (the SDK's own retry delays are
 * real) and the shipped environments.
 */
export function testDeps(overrides: Partial<CliDeps> & { endpoint?: string; maxAttempts?: number } = {}): CliDeps {
  const { endpoint, maxAttempts, ...rest } = overrides;
  return {
    clients: (target) => {
      const config = { region: target.region, credentials: FAKE_CREDENTIALS, maxAttempts: maxAttempts ?? AWS_MAX_ATTEMPTS, ...(endpoint ? { endpoint } : {}) };
      return { logs: new CloudWatchLogsClient(config), kms: new KMSClient(config) };
    },
    now: () => FIXED_NOW,
    sleep: async () => undefined,
    environments: ENVIRONMENTS,
    secretsDir: tempSecretsDir(),
    ...rest,
  };
}

export async function cli(argv: string[], deps: CliDeps = testDeps(), io: CapturedIo = captureIo()) {
  const code = await runCli(argv, io, deps);
  return { code, out: io.out(), err: io.err() };
}
