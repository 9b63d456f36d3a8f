import { ERROR_FIXTURES, NON_ERRORS } from '../fixtures/logs/error-lines';
import { loadQueryLibrary } from '../../lib/queries/library';
import { splitStages } from '../../lib/queries/stages';
import { Token, tokenizeQuery } from '../../lib/queries/tokenize';

/**
 * The saved queries read the log formats the README lists (the Sentry forwarder's formats and Lambda's text and
 * JSON log formats). There is no local Logs Insights engine, so these tests read the query text as tokens: which
 * fields each `coalesce(...) as <alias>` tries, in which order, and what each stage says.
 */

const library = loadQueryLibrary();
const queryText = (id: string): string => {
  const query = library.find((q) => q.id === id);
  if (!query) throw new Error(`no query ${id}`);
  return query.text;
};

/** Tokens joined by one space, so that line breaks and indentation do not matter. */
const spaced = (tokens: readonly Token[]): string => tokens.map((t) => t.text).join(' ');

/** Each pipeline stage of a query as its spaced tokens. */
const stagesOf = (id: string): string[] => splitStages(tokenizeQuery(queryText(id)).tokens).map((s) => spaced(s.tokens));
const stageOf = (id: string, command: string): string => {
  const found = stagesOf(id).filter((s) => s.startsWith(`${command} `));
  if (found.length !== 1) throw new Error(`${id} has ${found.length} '${command}' stages`);
  return found[0];
};

/** Every `coalesce(...)` call of a query: its arguments (spaced) and the alias after it, if any. */
function coalesceCalls(id: string): Array<{ readonly args: string[]; readonly alias?: string }> {
  const tokens = tokenizeQuery(queryText(id)).tokens;
  const calls: Array<{ args: string[]; alias?: string }> = [];
  tokens.forEach((token, start) => {
    if (token.text !== 'coalesce' || tokens[start + 1]?.kind !== 'open-paren') return;
    const args: Token[][] = [[]];
    let depth = 0;
    let end = start + 1;
    for (; end < tokens.length; end += 1) {
      const t = tokens[end];
      if (t.kind === 'open-paren' || t.kind === 'open-bracket') depth += 1;
      if (t.kind === 'close-paren' || t.kind === 'close-bracket') depth -= 1;
      if (depth === 0) break;
      if (depth === 1 && (t.kind === 'open-paren' || t.kind === 'comma')) {
        if (t.kind === 'comma') args.push([]);
        continue;
      }
      args[args.length - 1].push(t);
    }
    const alias = tokens[end + 1]?.text === 'as' ? tokens[end + 2]?.text : undefined;
    calls.push(alias === undefined ? { args: args.map(spaced) } : { args: args.map(spaced), alias });
  });
  return calls;
}
const coalesced = (id: string, alias: string): string[] => {
  const call = coalesceCalls(id).find((c) => c.alias === alias);
  if (!call) throw new Error(`${id} has no coalesce(...) as ${alias}`);
  return call.args;
};

/** The field paths of a JSON line as Logs Insights names them: nested object keys joined with dots. */
function fieldPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([key, inner]) => fieldPaths(inner, prefix ? `${prefix}.${key}` : key));
}
const fixture = (name: string): string => {
  const found = [...ERROR_FIXTURES, ...NON_ERRORS].find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found.message;
};
/** The first field of a coalesce list that the JSON line carries. */
const firstPresent = (fields: readonly string[], line: string): string | undefined => {
  const present = new Set(fieldPaths(JSON.parse(line)));
  return fields.find((field) => present.has(field));
};

describe('errors/recent-errors reads every JSON error format of the README', () => {
  const id = 'errors/recent-errors';

  // fixture → the field the error type, the message and the request id must come from
  const cases: ReadonlyArray<readonly [string, string | undefined, string, string | undefined]> = [
    ['pino error with err serializer', 'err.type', 'err.message', 'reqId'],
    ['pino fatal', 'err.type', 'err.message', undefined],
    ['bunyan error', 'err.name', 'err.message', undefined],
    ['Powertools for AWS Lambda (TypeScript) error', 'error.name', 'error.message', 'function_request_id'],
    ['Powertools for AWS Lambda (Python) exception', 'exception_name', 'message', 'function_request_id'],
    ['structlog JSON with a formatted traceback', undefined, 'event', undefined],
    ['log4j2 JsonLayout with thrown', 'thrown.name', 'thrown.message', undefined],
    ['Lambda runtime JSON log format (Python)', 'errorType', 'errorMessage', 'requestId'],
    ['Lambda runtime JSON log format (Node.js) invoke error', 'message.errorType', 'message.errorMessage', 'requestId'],
  ];

  test.each(cases)('%s', (name, type, message, request) => {
    const line = fixture(name);
    expect(firstPresent(coalesced(id, 'error_type'), line)).toBe(type);
    expect(firstPresent(coalesced(id, 'error_message'), line)).toBe(message);
    expect(firstPresent(coalesced(id, 'request'), line)).toBe(request);
  });

  test('the raw line is the last resort for the message', () => {
    expect(coalesced(id, 'error_message').at(-1)).toBe('@message');
  });

  test('the request id is read from every key the forwarder reads, then from the trace id', () => {
    const request = coalesced(id, 'request');
    const requestKeys = ['requestId', 'function_request_id', 'request_id', 'requestID', 'aws_request_id', 'awsRequestId', 'reqId', 'req_id', '@requestId'];
    const traceKeys = ['xray_trace_id', 'trace_id', 'traceId', 'trace.id'];
    expect(request).toEqual(expect.arrayContaining([...requestKeys, ...traceKeys]));
    expect(Math.max(...requestKeys.map((k) => request.indexOf(k)))).toBeLessThan(Math.min(...traceKeys.map((k) => request.indexOf(k))));
  });

  test("pino's and bunyan's numeric error levels pass the filter: the text match alone misses them", () => {
    const filter = stageOf(id, 'filter');
    expect(filter).toMatch(/ or level >= 50( |$)/);
    // Why: the query's own case-insensitive text match does not see pino's error line (TypeError is not the word error).
    const regex = tokenizeQuery(filter).tokens.find((t) => t.kind === 'regex')!.text;
    // Logs Insights writes case-insensitivity as a leading (?i); JavaScript takes it as a flag.
    const [, source] = /^\/\(\?i\)(.*)\/$/.exec(regex)!;
    expect(new RegExp(source, 'i').test(fixture('pino error with err serializer'))).toBe(false);
  });

  test('string levels are read from the level keys the forwarder reads', () => {
    expect(stageOf(id, 'filter')).toContain('coalesce ( level , levelname , severity , log.level ) in [ "ERROR" , "error" , "FATAL" , "fatal" , "CRITICAL" , "critical" ]');
  });
});

describe('errors/error-rate-by-service counts numeric levels 50 and 60 as errors', () => {
  const id = 'errors/error-rate-by-service';
  const levelParse = (): RegExp => {
    const stage = stagesOf(id).find((s) => s.startsWith('parse @message /'));
    expect(stage).toBeDefined();
    const regex = tokenizeQuery(stage!).tokens.find((t) => t.kind === 'regex')!.text;
    return new RegExp(regex.slice(1, -1));
  };

  test('the numeric level is parsed from the line as text', () => {
    const regex = levelParse();
    const levelOf = (name: string) => regex.exec(fixture(name))?.groups?.numeric_level;
    expect(levelOf('pino error with err serializer')).toBe('50');
    expect(levelOf('pino fatal')).toBe('60');
    expect(levelOf('bunyan error')).toBe('50');
    expect(levelOf('pino info')).toBe('30');
    expect(levelOf('Powertools for AWS Lambda (TypeScript) error')).toBeUndefined();
    // A nested numeric "level" is not the line's level.
    expect(regex.exec(JSON.stringify({ level: 'info', msg: 'battery report', device: { level: 80 } }))?.groups?.numeric_level).toBeUndefined();
    expect(regex.exec(JSON.stringify({ level: 'error', msg: 'sync failed', ctx: { level: 2 } }))?.groups?.numeric_level).toBeUndefined();
  });

  test('the numeric level comes first in the level marker, so toupper never gets a number', () => {
    const levels = coalesceCalls(id).find((c) => c.args.includes('level') && c.alias === undefined)!;
    expect(levels.args).toEqual(['numeric_level', 'level', 'levelname', 'severity', '"none"']);
  });

  test('is_error is 1 for a numeric level of 50 or more', () => {
    const isError = stagesOf(id).find((s) => s.endsWith(' as is_error'))!;
    expect(isError).toContain(', least ( floor ( coalesce ( numeric_level , 0 ) / 50 ) , 1 ) )');
  });
});

describe('the Lambda queries read both the text and the JSON log format', () => {
  // A platform.report event of Lambda's JSON log format (Telemetry API schema), with an init duration.
  const PLATFORM_REPORT = JSON.stringify({
    time: '2026-11-21T09:30:10.000Z',
    type: 'platform.report',
    record: {
      requestId: '8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
      metrics: { durationMs: 3000.0, billedDurationMs: 3000, memorySizeMB: 256, maxMemoryUsedMB: 91, initDurationMs: 412.5 },
      status: 'timeout',
    },
  });
  const lambdaQueries = ['lambda/cold-starts', 'lambda/duration-and-memory', 'lambda/timeouts', 'performance/duration-by-5-minutes'];

  test.each(lambdaQueries)('%s reads platform.report events and only fields they have', (id) => {
    expect(stageOf(id, 'filter')).toContain('type = "platform.report"');
    const recordFields = [...new Set(tokenizeQuery(queryText(id)).tokens.filter((t) => t.kind === 'word' && t.text.startsWith('record.')).map((t) => t.text))];
    expect(recordFields.length).toBeGreaterThan(0);
    expect(recordFields.filter((field) => !fieldPaths(JSON.parse(PLATFORM_REPORT)).includes(field))).toEqual([]);
  });

  test('the platform.report fixture the forwarder tests use has the same shape', () => {
    const fields = fieldPaths(JSON.parse(fixture('Lambda platform report: timeout (JSON log format)')));
    expect(fields).toEqual(expect.arrayContaining(['type', 'record.requestId', 'record.status', 'record.metrics.durationMs', 'record.metrics.billedDurationMs', 'record.metrics.memorySizeMB', 'record.metrics.maxMemoryUsedMB']));
  });

  test('cold starts: REPORT lines or platform.report events; the init time from either', () => {
    const id = 'lambda/cold-starts';
    expect(stageOf(id, 'filter')).toBe('filter @type = "REPORT" or type = "platform.report"');
    expect(coalesced(id, 'init_ms')).toEqual(['@initDuration', 'record.metrics.initDurationMs']);
    expect(stageOf(id, 'stats')).toContain('count ( init_ms ) as cold_starts');
    expect(stageOf(id, 'stats')).not.toContain('@initDuration');
  });

  test('duration and memory: both formats, memory in MB from bytes (text) or MB (JSON)', () => {
    const id = 'lambda/duration-and-memory';
    expect(stageOf(id, 'filter')).toBe('filter @type = "REPORT" or type = "platform.report"');
    expect(coalesced(id, 'duration_ms')).toEqual(['@duration', 'record.metrics.durationMs']);
    expect(coalesced(id, 'billed_duration_ms')).toEqual(['@billedDuration', 'record.metrics.billedDurationMs']);
    expect(coalesced(id, 'memory_size_mb')).toEqual(['@memorySize / 1000 / 1000', 'record.metrics.memorySizeMB']);
    expect(coalesced(id, 'max_memory_used_mb')).toEqual(['@maxMemoryUsed / 1000 / 1000', 'record.metrics.maxMemoryUsedMB']);
    const stats = stageOf(id, 'stats');
    expect(stats.match(/@\w+/g)).toEqual(['@log']); // every value comes through the coalesced fields
    expect(stats).toContain('avg ( max_memory_used_mb * 100 / memory_size_mb ) as avg_used_pct');
  });

  test('timeouts: the text line, a REPORT with Status timeout, or a platform.report with status timeout, once per request', () => {
    const id = 'lambda/timeouts';
    const filter = stageOf(id, 'filter');
    expect(filter).toContain('( type = "platform.report" and record.status = "timeout" )');
    expect(filter).toContain('( @type = "REPORT" and @message like /Status: timeout/ )');
    expect(filter).toContain('@message like /Task timed out after/');
    expect(coalesced(id, 'request_id')).toEqual(['timed_out_request', '@requestId', 'record.requestId']);
    expect(coalesced(id, 'timeout_after_s')).toEqual(['timeout_seconds', 'record.metrics.durationMs / 1000']);
    expect(stageOf(id, 'stats')).toContain('count_distinct ( request_id ) as timeouts');
  });

  test('duration by 5 minutes: REPORT @duration, platform.report durationMs, then application durations', () => {
    const id = 'performance/duration-by-5-minutes';
    expect(coalesced(id, 'duration')).toEqual(['@duration', 'record.metrics.durationMs', 'duration_ms', 'latency_ms']);
  });
});
