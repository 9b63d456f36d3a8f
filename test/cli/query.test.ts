import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  GetQueryResultsResponse,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { ServiceEntry } from '../../lib/config/catalogue';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { fillParameters, findQuery } from '../../lib/cli/commands/query';
import { mergeRows } from '../../lib/cli/query-runner';
import { loadQueryLibrary } from '../../lib/queries/library';
import { FIXED_NOW, captureIo, cli, fixture, testDeps } from './cli-harness';

const logs = mockClient(CloudWatchLogsClient);
const complete = fixture<GetQueryResultsResponse>('get-query-results-recent-errors.json');
const running = fixture<GetQueryResultsResponse>('get-query-results-running.json');
const library = loadQueryLibrary();

beforeEach(() => logs.reset());

describe('logs-cli query', () => {
  test('runs the saved query on the environment groups of its types, polls until complete, prints a table', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).resolvesOnce({ ...running, status: 'Scheduled' }).resolvesOnce(running).resolves(complete);
    const { code, out, err } = await cli(['query', 'recent-errors', '--env', 'prod', '--since', '30m']);
    expect(err).toMatch(/^3 rows · 5 log groups · 24\.3 MB scanned\n$/);
    expect(code).toBe(0);
    const start = logs.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(start.logGroupNames).toEqual([
      '/aws/ecs/api/application',
      '/aws/ecs/api/errors',
      '/aws/ecs/atlantis/application',
      '/aws/ecs/atlantis/errors',
      '/aws/lambda/secrets-manager-rotation/errors',
    ]);
    expect(start.queryString).toBe(library.find((q) => q.id === 'errors/recent-errors')!.text);
    expect(start.endTime).toBe(FIXED_NOW.getTime() / 1000);
    expect(start.startTime).toBe(FIXED_NOW.getTime() / 1000 - 30 * 60);
    expect(logs.commandCalls(GetQueryResultsCommand)).toHaveLength(3);
    expect(out.split('\n')[0]).toMatch(/^@timestamp\s+@log\s+error_type\s+error_message\s+request$/);
    expect(out).toContain('upstream openai timed out after 30000 ms');
    expect(out).not.toContain('@ptr');
  });

  test('--output json carries the run and the rows; --output csv has one line per row', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).resolves(complete);
    const json = JSON.parse((await cli(['query', 'errors/recent-errors', '--env', 'prod', '-o', 'json'])).out);
    expect(json).toMatchObject({ query: 'errors/recent-errors', environment: 'prod', region: 'ap-northeast-2', logGroups: 5, parts: 1, statistics: { recordsMatched: 3, bytesScanned: 24318844 } });
    expect(json.rows[1]).toEqual({
      '@timestamp': '2026-11-21 09:27:31.090',
      '@log': '111122223333:/aws/lambda/secrets-manager-rotation/errors',
      error_type: 'Runtime.UnhandledPromiseRejection',
      error_message: "ResourceNotFoundException: Secrets Manager can't find the specified secret.",
      request: '3f1c2a9e-58d4-4c07-b2a1-7d9e0f6b1c23',
    });
    const csv = (await cli(['query', 'recent-errors', '--env', 'prod', '--output', 'csv'])).out;
    expect(csv.split('\r\n')[0]).toBe('@timestamp,@log,error_type,error_message,request');
    expect(csv.split('\r\n')[1]).toBe('2026-11-21 09:29:58.412,111122223333:/aws/ecs/api/errors,UpstreamTimeout,POST /v1/chat/answer: upstream openai timed out after 30000 ms,req_01JD7Q6M8K3V');
  });

  test('--service narrows the groups; --start/--end set the window; --limit is passed on', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).resolves(complete);
    await cli(['query', 'recent-errors', '--env', 'prod', '--service', 'api', '--start', '2026-11-20T00:00:00Z', '--end', '2026-11-21T00:00:00Z', '--limit', '2']);
    const input = logs.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(input.logGroupNames).toEqual(['/aws/ecs/api/application', '/aws/ecs/api/errors']);
    expect([input.startTime, input.endTime]).toEqual([Date.parse('2026-11-20T00:00:00Z') / 1000, Date.parse('2026-11-21T00:00:00Z') / 1000]);
    expect(input.limit).toBe(2);
  });

  test('a query with more than 50 groups runs in parts of at most 50 and merges them in its sort order', async () => {
    const services: ServiceEntry[] = Array.from({ length: 120 }, (_, i) => ({ service: 'ecs', name: `svc-${String(i).padStart(3, '0')}`, types: ['llm'] }));
    const deps = testDeps({ environments: { prod: { ...ENVIRONMENTS.prod, services } } });
    let n = 0;
    logs.on(StartQueryCommand).callsFake(() => ({ queryId: `q-${++n}` }));
    const callsPerModel: Record<string, string> = { 'q-1': '40', 'q-2': '7', 'q-3': '120' };
    logs.on(GetQueryResultsCommand).callsFake((input: { queryId: string }) => ({
      status: 'Complete',
      statistics: { recordsMatched: 1, recordsScanned: 10, bytesScanned: 1000 },
      results: [[{ field: 'model_name', value: `model-${input.queryId}` }, { field: 'calls', value: callsPerModel[input.queryId] }, { field: 'cost_usd', value: callsPerModel[input.queryId] }]],
    }));
    const { code, out, err } = await cli(['query', 'tokens-and-cost-by-model', '--env', 'prod', '-o', 'json'], deps);
    expect(code).toBe(0);
    const runs = logs.commandCalls(StartQueryCommand).map((c) => c.args[0].input.logGroupNames!);
    expect(runs.map((r) => r.length)).toEqual([50, 50, 20]);
    expect(new Set(runs.flat()).size).toBe(120);
    const json = JSON.parse(out);
    expect(json.parts).toBe(3);
    expect(json.rows.map((r: { cost_usd: string }) => r.cost_usd)).toEqual(['120', '40', '7']); // sort cost_usd desc
    expect(err).toContain('3 of 3 parts complete');
    expect(err).toContain('rows were not re-aggregated');
  });

  test('parameters fill {{placeholders}}; a missing one is named', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Complete', results: [] });
    const missing = await cli(['query', 'trace-request', '--env', 'prod']);
    expect(missing).toMatchObject({ code: 2, err: 'logs-cli: query tracing/trace-request needs --param request_id=<value>\n' });
    const { code } = await cli(['query', 'trace-request', '--env', 'prod', '--param', 'request_id=req_01JD7Q6M8K3V']);
    expect(code).toBe(0);
    const input = logs.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(input.queryString).toContain('filter @message like "req_01JD7Q6M8K3V"');
    expect(input.logGroupNames).toHaveLength(9); // application 2, errors 3, llm 2, lambda 1, audit 1
  });

  test('a parameter value cannot break out of its string', () => {
    const trace = findQuery(library, 'trace-request');
    const text = fillParameters(trace, ['request_id=x" | display @message | filter "1']);
    expect(text).toContain('filter @message like "x\\" | display @message | filter \\"1"');
    expect(() => fillParameters(trace, ['request_id=a\nb'])).toThrow('--param request_id must be one line');
    expect(() => fillParameters(trace, ['user=1', 'request_id=a'])).toThrow('query tracing/trace-request has no parameter "user" (it takes request_id)');
  });

  test('unknown query names list the close matches', async () => {
    expect(await cli(['query', 'cold-start', '--env', 'prod'])).toMatchObject({ code: 2, err: 'logs-cli: unknown query "cold-start"; did you mean lambda/cold-starts? (logs-cli queries lists them all)\n' });
    expect((await cli(['query', 'llm-cost', '--env', 'prod'])).err).toMatch(/did you mean .*llm\/cost-and-tokens-by-hour/);
    expect((await cli(['query', 'zzzzzz', '--env', 'prod'])).err).toBe('logs-cli: unknown query "zzzzzz" (logs-cli queries lists them all)\n');
  });

  test('a query is found by file, folder/file or display name', () => {
    expect(findQuery(library, 'Lambda cold starts').id).toBe('lambda/cold-starts');
    expect(findQuery(library, 'lambda/cold-starts.query').id).toBe('lambda/cold-starts');
  });

  test('a failed part stops the others and says which part and status', async () => {
    const services: ServiceEntry[] = Array.from({ length: 60 }, (_, i) => ({ service: 'ecs', name: `svc-${i}`, types: ['llm'] }));
    const deps = testDeps({ environments: { prod: { ...ENVIRONMENTS.prod, services } } });
    let n = 0;
    logs.on(StartQueryCommand).callsFake(() => ({ queryId: `q-${++n}` }));
    logs.on(GetQueryResultsCommand).callsFake((input: { queryId: string }) => (input.queryId === 'q-2' ? { status: 'Failed' } : { status: 'Running' }));
    logs.on(StopQueryCommand).resolves({ success: true });
    const { code, err } = await cli(['query', 'top-users', '--env', 'prod'], deps);
    expect(code).toBe(1);
    expect(err).toBe('logs-cli: Logs Insights ended part 2 of 2 with status Failed (query id q-2)\n');
    expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input.queryId)).toEqual(['q-1']);
  });

  test('Ctrl-C stops the running query', async () => {
    const interrupt = new AbortController();
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).callsFake(() => {
      interrupt.abort();
      return { status: 'Running' };
    });
    logs.on(StopQueryCommand).resolves({ success: true });
    const { code, err } = await cli(['query', 'recent-errors', '--env', 'prod'], testDeps(), captureIo('', { signal: interrupt.signal }));
    expect({ code, err }).toEqual({ code: 1, err: 'logs-cli: interrupted: the running queries were stopped\n' });
    expect(logs.commandCalls(StopQueryCommand)).toHaveLength(1);
  });

  test('polling backs off, shows progress on stderr for long runs, and gives up after the timeout', async () => {
    let clock = FIXED_NOW.getTime();
    const waits: number[] = [];
    const deps = testDeps({ now: () => new Date(clock), sleep: async (ms) => void (waits.push(ms), (clock += ms)) });
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs.on(GetQueryResultsCommand).resolves(running);
    logs.on(StopQueryCommand).resolves({ success: true });
    const { code, err } = await cli(['query', 'recent-errors', '--env', 'prod'], deps);
    expect(code).toBe(1);
    expect(waits.slice(0, 6)).toEqual([250, 375, 563, 845, 1268, 1902]);
    expect(Math.max(...waits)).toBe(5000);
    expect(err).toMatch(/recent-errors: running · 0 records matched · 9\.2 MB scanned · \d+ s\n/);
    expect(err).toMatch(/logs-cli: the query ran longer than 15 minutes and was stopped; narrow --since or --service\n$/);
    expect(logs.commandCalls(StopQueryCommand)).toHaveLength(1);
  });

  test('an environment without groups of the query types says so', async () => {
    const deps = testDeps({ environments: { prod: { ...ENVIRONMENTS.prod, services: ENVIRONMENTS.prod.services.filter((s) => s.service !== 'rds') } } });
    expect((await cli(['query', 'slow-queries', '--env', 'prod'], deps)).err).toBe(
      'logs-cli: environment prod has no slowquery log group, so database/slow-queries has nothing to run on\n',
    );
  });
});

describe('merging parts', () => {
  const q = '# name: x\nstats count(*) as calls by user\n| sort calls desc, user asc\n| limit 3';
  test('re-sorts by every key of the last sort and applies the query limit', () => {
    const rows = mergeRows([[{ user: 'b', calls: '5' }, { user: 'a', calls: '9' }], [{ user: 'c', calls: '5' }, { user: 'd', calls: '10' }]], q);
    expect(rows).toEqual([{ user: 'd', calls: '10' }, { user: 'a', calls: '9' }, { user: 'b', calls: '5' }]);
  });
  test('numbers sort by value, text before numbers, missing values last', () => {
    const rows = mergeRows([[{ v: '10' }, { v: 'x' }], [{ v: '9' }, {}]], '# n\nfields v | sort v asc');
    expect(rows.map((r) => r.v)).toEqual(['x', '9', '10', undefined]);
  });
});
