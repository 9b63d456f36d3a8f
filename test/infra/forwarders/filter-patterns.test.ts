import {
  ALL_EVENTS_PATTERN,
  APPLICATION_ERROR_PATTERN,
  LAMBDA_FAILURE_PATTERN,
  MAX_FILTER_PATTERN_LENGTH,
  filterPatternProblem,
  sentryFilterPatternFor,
} from '../../../lib/forwarders/filter-patterns';
import { PlannedLogGroup } from '../../../lib/config/resolve';

/**
 * The patterns are CloudWatch regex patterns (`%…%`). Within the dialect CloudWatch accepts (checked by
 * `filterPatternProblem`: no groups, no quotes, no spaces), a CloudWatch regex means what the same JavaScript regex
 * means, and a regex pattern matches an event when it matches anywhere in the message; that is how these tests run
 * the pattern against real log lines.
 */
function matches(pattern: string, message: string): boolean {
  const body = /^%(.*)%$/s.exec(pattern);
  if (!body) throw new Error(`not a regex pattern: ${pattern}`);
  return new RegExp(body[1]).test(message);
}

const APPLICATION_ERROR_LINES: ReadonlyArray<[string, string]> = [
  ['winston JSON', '{"level":"error","message":"payment failed","service":"api","timestamp":"2026-11-20T10:15:00.123Z"}'],
  ['pino numeric 50', '{"level":50,"time":1763633700123,"pid":7,"hostname":"ip-10-0-1-12","msg":"db timeout"}'],
  ['pino numeric 60 (fatal)', '{"level":60,"time":1763633700123,"pid":7,"hostname":"ip-10-0-1-12","msg":"cannot start"}'],
  ['bunyan', '{"name":"api","hostname":"ip-10-0-1-12","pid":1,"level":50,"msg":"boom","time":"2026-11-20T10:15:00.123Z","v":0}'],
  ['structlog', '{"event": "charge failed", "level": "error", "logger": "billing", "timestamp": "2026-11-20T10:15:00Z"}'],
  ['Powertools', '{"level":"ERROR","message":"Unhandled","timestamp":"2026-11-20T10:15:00.123Z","service":"orders","xray_trace_id":"1-6734"}'],
  ['python-json-logger', '{"asctime": "2026-11-20 10:15:00,123", "levelname": "ERROR", "name": "worker", "message": "task failed"}'],
  ['log4j2 JSON', '{"instant":{"epochSecond":1763633700,"nanoOfSecond":0},"thread":"main","level":"ERROR","loggerName":"c.e.App","message":"x"}'],
  ['GCP-style severity', '{"severity":"ERROR","message":"upstream 502","httpRequest":{"status":502}}'],
  ['ECS log.level', '{"@timestamp":"2026-11-20T10:15:00.123Z","log.level":"error","message":"refused","ecs.version":"1.6.0"}'],
  ['zerolog', '{"level":"fatal","time":"2026-11-20T10:15:00Z","message":"config missing"}'],
  ['log4j text', '2026-11-20 10:15:00,123 ERROR [http-nio-8080-exec-3] c.e.OrderController - order 42 failed'],
  ['Python logging text', 'ERROR:root:could not connect to redis'],
  ['Java stack trace', 'java.lang.NullPointerException: Cannot invoke "String.length()"\n\tat com.example.App.main(App.java:14)'],
  ['Java cause line', 'Caused by: java.net.ConnectException: Connection refused'],
  ['Python traceback', 'Traceback (most recent call last):\n  File "/app/worker.py", line 12, in run\nKeyError: \'id\''],
  ['Python exception line', 'ValueError: invalid literal for int() with base 10: \'abc\''],
  ['V8 error', "TypeError: Cannot read properties of undefined (reading 'id')\n    at handler (/var/task/index.js:3:20)"],
  ['Go panic', 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:'],
  ['java.util.logging', 'Nov 20, 2026 10:15:00 AM com.example.App main\nSEVERE: could not bind port 8080'],
];

const NOT_ERROR_LINES: ReadonlyArray<[string, string]> = [
  ['a summary with zero errors', 'batch 812 processed: 0 errors, 1200 records'],
  ['a counter', 'sync done errorCount=0 warnings=2'],
  ['info JSON', '{"level":"info","message":"GET /health 200","durationMs":3}'],
  ['warn JSON', '{"level":"warn","message":"retrying","attempt":2}'],
  ['pino info 30', '{"level":30,"time":1763633700123,"pid":7,"msg":"listening on 8080"}'],
  ['pino warn 40', '{"level":40,"time":1763633700123,"pid":7,"msg":"slow query"}'],
  ['a field merely named error', '{"level":"info","message":"checked","error":null}'],
];

const LAMBDA_RUNTIME_FAILURES: ReadonlyArray<[string, string]> = [
  ['Node text Invoke Error', '2026-11-20T10:15:00.123Z\tc0ffee00-1111-2222-3333-444455556666\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"boom","stack":["Error: boom"]}'],
  ['timeout (text)', '2026-11-20T10:15:03.004Z c0ffee00-1111-2222-3333-444455556666 Task timed out after 3.00 seconds'],
  ['runtime exit', 'RequestId: c0ffee00-1111-2222-3333-444455556666 Error: Runtime exited with error: signal: killed\nRuntime.ExitError'],
  ['import error', '{"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find module \'index\'","stackTrace":[]}'],
  ['handler not found', '[ERROR] Runtime.HandlerNotFound: Handler \'handler\' missing on module \'app\''],
  ['JSON log format app error', '{"timestamp":"2026-11-20T10:15:00.123Z","level":"ERROR","message":{"errorType":"TypeError","errorMessage":"x is undefined","stackTrace":[]},"requestId":"c0ffee00"}'],
  ['JSON log format timeout', '{"time":"2026-11-20T10:15:03.004Z","type":"platform.runtimeDone","record":{"requestId":"c0ffee00","status":"timeout","metrics":{"durationMs":3000.2}}}'],
  ['text INIT_REPORT extension crash', 'INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: error\tError Type: Extension.Crash'],
  ['text INIT_REPORT init timeout', 'INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout'],
  ['text REPORT out of memory', 'REPORT RequestId: c0ffee00-1111-2222-3333-444455556666\tDuration: 1401.26 ms\tBilled Duration: 1402 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory'],
  ['JSON log format failure', '{"time":"2026-11-20T10:15:03.004Z","type":"platform.report","record":{"requestId":"c0ffee00","status":"error","errorType":"Runtime.ExitError"}}'],
];

const LAMBDA_ROUTINE_LINES: ReadonlyArray<[string, string]> = [
  ['START', 'START RequestId: c0ffee00-1111-2222-3333-444455556666 Version: $LATEST'],
  ['END', 'END RequestId: c0ffee00-1111-2222-3333-444455556666'],
  ['REPORT', 'REPORT RequestId: c0ffee00-1111-2222-3333-444455556666\tDuration: 12.31 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB'],
  ['RESTORE_REPORT', 'RESTORE_REPORT Restore Duration: 571.67 ms'],
  ['INIT_REPORT success', 'INIT_REPORT Init Duration: 212.40 ms\tPhase: init\tStatus: success'],
  ['JSON runtimeDone success', '{"time":"2026-11-20T10:15:00.200Z","type":"platform.runtimeDone","record":{"requestId":"c0ffee00","status":"success"}}'],
  ['INFO line', '2026-11-20T10:15:00.123Z\tc0ffee00-1111-2222-3333-444455556666\tINFO\trotated secret, 0 errors'],
];

function plan(overrides: Partial<PlannedLogGroup>): PlannedLogGroup {
  return {
    name: '/aws/ecs/api/errors',
    service: 'ecs',
    resourceName: 'api',
    type: 'errors',
    retentionDays: 90,
    existing: false,
    exportEnabled: false,
    sentry: 'enabled',
    langfuse: 'disabled',
    sentryErrorLinesOnly: false,
    ...overrides,
  };
}

describe('the application error pattern', () => {
  test.each(APPLICATION_ERROR_LINES)('matches an error line: %s', (_label, line) => {
    expect(matches(APPLICATION_ERROR_PATTERN, line)).toBe(true);
  });

  test.each(NOT_ERROR_LINES)('does not match %s', (_label, line) => {
    expect(matches(APPLICATION_ERROR_PATTERN, line)).toBe(false);
  });
});

describe('the Lambda failure pattern', () => {
  test.each([...LAMBDA_RUNTIME_FAILURES, ...APPLICATION_ERROR_LINES])('matches %s', (_label, line) => {
    expect(matches(LAMBDA_FAILURE_PATTERN, line)).toBe(true);
  });

  test.each([...LAMBDA_ROUTINE_LINES, ...NOT_ERROR_LINES])('does not match %s', (_label, line) => {
    expect(matches(LAMBDA_FAILURE_PATTERN, line)).toBe(false);
  });
});

describe('CloudWatch accepts the patterns', () => {
  test.each([
    ['application', APPLICATION_ERROR_PATTERN],
    ['lambda', LAMBDA_FAILURE_PATTERN],
  ])('the %s pattern is one regex in the supported dialect, under the length limit', (_label, pattern) => {
    expect(filterPatternProblem(pattern)).toBeUndefined();
    expect(pattern.length).toBeLessThanOrEqual(MAX_FILTER_PATTERN_LENGTH);
    expect(pattern).toMatch(/^%[^%]+%$/);
  });

  test.each([
    ['a parenthesis', '%(ERROR|FATAL)%', '"("'],
    ['a space', '%Task timed out%', '" "'],
    ['a quote', '%"level":"error"%', '"\\""'],
    ['too long', `%${'A'.repeat(MAX_FILTER_PATTERN_LENGTH)}%`, 'characters'],
  ])('refuses a pattern with %s', (_label, pattern, named) => {
    expect(filterPatternProblem(pattern)).toContain(named);
  });
});

describe('which pattern a group gets', () => {
  test('an errors group forwards every event', () => {
    expect(sentryFilterPatternFor(plan({}))).toBe(ALL_EVENTS_PATTERN);
  });

  test('an opted-in application group forwards error-level lines only', () => {
    const group = plan({ name: '/aws/ecs/api/application', type: 'application', sentryErrorLinesOnly: true });
    expect(sentryFilterPatternFor(group)).toBe(APPLICATION_ERROR_PATTERN);
  });

  test('a Lambda runtime group forwards runtime failures', () => {
    const group = plan({ name: '/aws/lambda/rotation', service: 'lambda', resourceName: 'rotation', type: 'lambda' });
    expect(sentryFilterPatternFor(group)).toBe(LAMBDA_FAILURE_PATTERN);
  });
});
