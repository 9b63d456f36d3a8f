import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { CliIo } from '../../lib/cli/io';
import { captureIo, cli, tempSecretsDir, testDeps } from './cli-harness';

const kms = mockClient(KMSClient);
const CIPHERTEXT = Buffer.from('AQICAHi7-fake-ciphertext-bytes');
const KEY_ID = 'arn:aws:kms:ap-northeast-2:111122223333:key/8d2f0c1e-4b7a-4c3e-9a51-2f6d0e7b9c14';
const LANGFUSE_KEY = 'sk-lf-7b3c1d2e-9f80-4a6b-b1c2-d3e4f5a6b7c8';

beforeEach(() => {
  kms.reset();
  kms.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT, KeyId: KEY_ID, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
});

describe('logs-cli secret encrypt', () => {
  test('encrypts the piped value under the purpose context and writes base64 ciphertext', async () => {
    const secretsDir = tempSecretsDir();
    const { code, out } = await cli(['secret', 'encrypt', '--env', 'staging', '--name', 'langfuse-secret-key', '-o', 'json'], testDeps({ secretsDir }), captureIo(`${LANGFUSE_KEY}\r\n`));
    expect(code).toBe(0);
    const input = kms.commandCalls(EncryptCommand)[0].args[0].input;
    expect(input.KeyId).toBe('alias/central-logging/staging/logs');
    expect(input.EncryptionContext).toEqual({ purpose: 'langfuse-secret-key' });
    expect(Buffer.from(input.Plaintext as Uint8Array).toString()).toBe('\0'.repeat(LANGFUSE_KEY.length)); // zeroed after use
    expect(JSON.parse(fs.readFileSync(path.join(secretsDir, 'staging.json'), 'utf8'))).toEqual({ 'langfuse-secret-key': CIPHERTEXT.toString('base64') });
    expect(JSON.parse(out)).toMatchObject({ environment: 'staging', secret: 'langfuse-secret-key', keyId: KEY_ID, encryptionContext: { purpose: 'langfuse-secret-key' } });
    expect(out).not.toContain(LANGFUSE_KEY);
  });

  test('on a terminal the value is read with echo off, up to Enter', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: jest.fn() });
    let err = '';
    const io: CliIo = { stdout: { write: () => undefined }, stderr: { write: (t: string) => void (err += t) }, stdin };
    const secretsDir = tempSecretsDir();
    const run = cli(['secret', 'encrypt', '--env', 'prod', '--name', 'langfuse-secret-key'], testDeps({ secretsDir }), { ...io, out: () => '', err: () => err });
    setImmediate(() => stdin.write(`${LANGFUSE_KEY}x\u007f\r`)); // a typo, backspace, Enter
    expect((await run).code).toBe(0);
    expect(stdin.setRawMode.mock.calls).toEqual([[true], [false]]);
    expect(err).toBe('langfuse-secret-key (input hidden, Enter to finish): \n');
    expect(kms.commandCalls(EncryptCommand)).toHaveLength(1);
  });

  test.each([
    ['an empty stdin', '', /^logs-cli: nothing on stdin: pipe the value in/],
    ['a value of the wrong shape (never echoed)', 'sk-live-abcdef\n', /^logs-cli: the value on stdin is not a Sentry DSN \(https:\/\/<public key>@<host>\/<project id>\); nothing was encrypted\n$/],
  ])('%s is refused before KMS is called', async (_, stdin, message) => {
    const secretsDir = tempSecretsDir();
    const { code, err } = await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'sentry-dsn'], testDeps({ secretsDir }), captureIo(stdin));
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toContain('sk-live');
    expect(kms.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(fs.existsSync(path.join(secretsDir, 'prod.json'))).toBe(false);
  });

  test('more than KMS takes is refused', async () => {
    const { code, err } = await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'langfuse-secret-key'], testDeps(), captureIo(`sk-lf-${'a'.repeat(5000)}`));
    expect({ code, err }).toEqual({ code: 2, err: 'logs-cli: the value is 5006 bytes; KMS encrypts at most 4096\n' });
  });

  test('the value can never come from arguments', async () => {
    expect((await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'sentry-dsn', '--value', 'https://k@o1.ingest.sentry.io/1'])).err).toBe(
      'logs-cli: unknown option --value for logs-cli secret encrypt: the secret is read from stdin only, never from arguments (shell history and ps would keep it) (see logs-cli secret encrypt --help)\n',
    );
    const positional = await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'sentry-dsn', 'https://k@o1.ingest.sentry.io/1']);
    expect(positional.err).not.toContain('https://k@');
    expect(positional.code).toBe(2);
  });

  const DSN = 'https://0f3a9c1b2d4e5f60718293a4b5c6d7e8@o1.ingest.sentry.io/42';
  test.each([
    ['--name', ['--env', 'prod', '--name', LANGFUSE_KEY], LANGFUSE_KEY],
    ['--name=', ['--env', 'prod', `--name=${DSN}`], '0f3a9c1b2d4e5f60718293a4b5c6d7e8'],
    ['--env', ['--env', DSN, '--name', 'sentry-dsn'], '0f3a9c1b2d4e5f60718293a4b5c6d7e8'],
    ['--output', ['--env', 'prod', '--name', 'langfuse-secret-key', '-o', LANGFUSE_KEY], LANGFUSE_KEY],
  ])('a secret pasted as the value of %s is refused without being echoed', async (_, argv, secret) => {
    const { code, err } = await cli(['secret', 'encrypt', ...argv], testDeps(), captureIo(LANGFUSE_KEY));
    expect(code).toBe(2);
    expect(err).toMatch(/^logs-cli: .*\[REDACTED:(api-key|credentials)\]/);
    expect(err).not.toContain(secret);
    expect(kms.commandCalls(EncryptCommand)).toHaveLength(0);
  });

  test('an unknown purpose lists the known ones; KMS refusal is one line and writes nothing', async () => {
    expect((await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'github-token'])).err).toBe('logs-cli: --name must be one of sentry-dsn, langfuse-secret-key, got "github-token"\n');
    kms.on(EncryptCommand).rejects(Object.assign(new Error('User: arn:aws:sts::111122223333:assumed-role/Dev/bob is not authorized to perform: kms:Encrypt on this resource because no identity-based policy allows the kms:Encrypt action'), { name: 'AccessDeniedException' }));
    const secretsDir = tempSecretsDir();
    const { code, err } = await cli(['secret', 'encrypt', '--env', 'prod', '--name', 'langfuse-secret-key'], testDeps({ secretsDir }), captureIo(LANGFUSE_KEY));
    expect(code).toBe(1);
    expect(err).toBe('logs-cli: access denied: KMS Encrypt with alias/central-logging/prod/logs: User: arn:aws:sts::111122223333:assumed-role/Dev/bob is not authorized to perform: kms:Encrypt on this resource because no identity-based policy allows the kms:Encrypt action\n');
    expect(fs.readdirSync(secretsDir)).toEqual([]);
  });
});
