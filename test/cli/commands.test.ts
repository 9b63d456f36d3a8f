import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeAwsError } from '../../lib/cli/aws';
import { DEFAULT_DEPS } from '../../lib/cli/main';
import { resolveTimeRange } from '../../lib/cli/time-range';
import { FIXED_NOW, cli, testDeps } from './cli-harness';

describe('help and usage', () => {
  test.each([['query'], ['queries'], ['audit'], ['secret', 'encrypt'], ['cost']])('logs-cli %s --help', async (...command) => {
    const { code, out } = await cli([...command, '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^logs-cli ${command.join(' ')}: `));
    expect(out).toContain('Usage: logs-cli ');
    expect(out).toMatch(/Examples:\n  .*logs-cli /);
    expect(out).toContain('-o, --output');
  });

  test('commands that call AWS take --profile and --region', async () => {
    for (const command of [['query'], ['audit'], ['secret', 'encrypt']]) {
      const { out } = await cli([...command, '-h']);
      expect(out).toContain('--profile <name>');
      expect(out).toContain('--region <region>');
    }
    expect((await cli(['cost', '--help'])).out).not.toContain('--profile');
  });

  test('no command prints the overview and exits 2; help <command> prints that command', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.out).toContain('Commands:\n  query ');
    expect((await cli(['help', 'audit'])).out).toMatch(/^logs-cli audit: /);
  });

  test.each([
    [['frobnicate'], 'logs-cli: unknown command "frobnicate"; commands: query, queries, audit, secret encrypt, cost (logs-cli --help)\n'],
    [['secret'], 'logs-cli: logs-cli secret takes a subcommand: encrypt (see logs-cli secret encrypt --help)\n'],
    [['query', 'recent-errors'], 'logs-cli: logs-cli query needs --env (see --help)\n'],
    [['query', '--env', 'prod'], 'logs-cli: logs-cli query needs a query name (logs-cli queries lists them)\n'],
    [['query', 'recent-errors', '--env', 'qa'], 'logs-cli: unknown environment "qa"; known environments: dev, staging, prod\n'],
    [['query', 'recent-errors', '--env', 'prod', '--output', 'yaml'], 'logs-cli: --output yaml is not one of table, json, csv for logs-cli query\n'],
    [['query', 'recent-errors', '--env', 'prod', '--limit', '0'], 'logs-cli: --limit must be a whole number from 1 to 10000, got "0"\n'],
    [['query', 'recent-errors', '--env', 'prod', '--since', '5 minutes'], 'logs-cli: --since must be a positive whole number with a unit s, m, h, d or w (e.g. 15m, 1h, 7d), got "5 minutes"\n'],
    [['audit', '--env', 'prod', 'extra'], 'logs-cli: unexpected argument "extra" (see logs-cli audit --help)\n'],
    [['cost', '--env', 'prod', '--profile', 'x'], 'logs-cli: unknown option --profile for logs-cli cost (see logs-cli cost --help)\n'],
  ])('%j is one line on stderr, exit 2', async (argv, message) => {
    const { code, err, out } = await cli(argv);
    expect({ code, err, out }).toEqual({ code: 2, err: message, out: '' });
  });
});

describe('time range', () => {
  test('--since counts back from now; --start/--end take ISO 8601 or epoch seconds', () => {
    expect(resolveTimeRange({}, FIXED_NOW)).toEqual({ start: FIXED_NOW.getTime() - 3_600_000, end: FIXED_NOW.getTime() });
    expect(resolveTimeRange({ since: '7d' }, FIXED_NOW).start).toBe(FIXED_NOW.getTime() - 7 * 86_400_000);
    expect(resolveTimeRange({ start: '2026-11-20T00:00:00Z', end: '1795219200' }, FIXED_NOW)).toEqual({ start: Date.parse('2026-11-20T00:00:00Z'), end: 1795219200000 });
  });

  test('contradictions and empty windows are refused', () => {
    expect(() => resolveTimeRange({ since: '1h', start: '2026-11-20' }, FIXED_NOW)).toThrow('give either --since or --start/--end, not both');
    expect(() => resolveTimeRange({ start: '2026-11-22T00:00:00Z' }, FIXED_NOW)).toThrow(/the time range is empty/);
    expect(() => resolveTimeRange({ start: 'yesterday' }, FIXED_NOW)).toThrow('--start must be an ISO 8601 time');
    expect(() => resolveTimeRange({ end: '2026-11-20T00:00:00Z' }, FIXED_NOW)).toThrow('--end needs --start');
  });
});

describe('AWS errors become one line that says what to do', () => {
  const target = { region: 'ap-northeast-2', profile: 'prod-admin' };
  test.each([
    [{ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }, 'the AWS session of profile "prod-admin" has expired (StartQuery): log in again, e.g. "aws sso login"'],
    [{ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }, 'AWS does not accept the credentials of profile "prod-admin" (StartQuery): The security token included in the request is invalid.'],
    [{ name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { attempts: 6 } }, 'throttled by AWS: StartQuery still refused after 6 attempts with backoff (ThrottlingException); wait a minute and run again'],
    [{ name: 'LimitExceededException', message: 'Account max concurrent queries reached' }, 'throttled by AWS: StartQuery still refused after 1 attempt with backoff (LimitExceededException); wait a minute and run again'],
    [{ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:443' }, 'cannot reach AWS in ap-northeast-2 (StartQuery): connect ECONNREFUSED 127.0.0.1:443'],
    [{ name: 'InvalidParameterException', message: 'Query\nstring is invalid' }, 'StartQuery failed in ap-northeast-2: InvalidParameterException: Query string is invalid'],
  ])('%j', (error, message) => {
    expect(describeAwsError(error, 'StartQuery', target)).toBe(message);
  });

  test('missing credentials, end to end through the real SDK credential chain', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-cli-aws-'));
    fs.writeFileSync(path.join(dir, 'config'), '[profile someone-else]\nregion = us-east-1\n');
    fs.writeFileSync(path.join(dir, 'credentials'), '');
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_CONFIG_FILE: path.join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) delete process.env[name];
    try {
      const { code, err } = await cli(['query', 'recent-errors', '--env', 'prod', '--profile', 'prod-admin'], { ...testDeps(), clients: DEFAULT_DEPS.clients });
      expect(code).toBe(1);
      expect(err).toMatch(/^logs-cli: no AWS credentials for profile "prod-admin": .+ \(set AWS_PROFILE or pass --profile, or run "aws sso login"\)\n$/);
    } finally {
      process.env = saved;
    }
  });
});

describe('logs-cli queries', () => {
  test('prints the library as a Markdown table for the README', async () => {
    const { code, out } = await cli(['queries', '--output', 'markdown']);
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('| Query | Console name | Log types | Parameters | Description |');
    expect(lines.length).toBeGreaterThanOrEqual(2 + 15);
    expect(out).toContain('| `tracing/trace-request` | Trace one request | application, errors, llm, lambda, audit | request_id |');
  });

  test('json lists ids, names, types and parameters', async () => {
    const queries = JSON.parse((await cli(['queries', '-o', 'json'], testDeps())).out);
    expect(queries.find((q: { id: string }) => q.id === 'llm/top-users')).toMatchObject({ name: 'Top 10 LLM users by calls and cost', logTypes: ['llm'], parameters: [] });
  });
});
