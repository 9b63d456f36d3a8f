import { logEvent } from '../../../lambda/pipeline/log-event';
import { createRedactor } from '../../../lambda/pipeline/redact';
import type { SourceLogEvent } from '../../../lambda/pipeline/types';
import { classify } from '../../../lambda/sentry/classify';
import { redactSentryEvent } from '../../../lambda/sentry/redact-event';
import { topInAppFrame } from '../../../lambda/sentry/fingerprint';
import { toSentryEvent } from '../../../lambda/sentry/map-event';
import { ERROR_FIXTURES, NON_ERRORS } from '../../fixtures/logs/error-lines';

/** What the pipeline hands a destination: the raw event, its JSON parsed on first read. */
function sourceEvent(message: string, logGroup = '/aws/ecs/api/errors'): SourceLogEvent {
  return logEvent({ id: '1', timestamp: Date.UTC(2026, 10, 21, 9, 30), message, logGroup, logStream: 's', account: '123456789012' });
}

describe('classify: error formats', () => {
  test.each(ERROR_FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const error = classify(sourceEvent(fixture.message, fixture.logGroup));
    expect(error).toBeDefined();
    const { expect: want } = fixture;
    expect({ format: error!.format, platform: error!.platform, level: error!.level }).toEqual({ format: want.format, platform: want.platform, level: want.level });
    const primary = error!.exceptions.at(-1);
    if (want.type) expect(primary?.type).toBe(want.type);
    if (want.value !== undefined) expect(primary?.value).toBe(want.value);
    if (want.chain) expect(error!.exceptions.map((e) => e.type)).toEqual(want.chain);
    if (want.frames !== undefined) expect(primary?.frames).toHaveLength(want.frames);
    if (want.topInAppFunction) expect(topInAppFrame(primary!)?.function).toBe(want.topInAppFunction);
    if (want.requestId) expect(error!.requestId).toBe(want.requestId);
    if (want.message) expect(error!.message).toBe(want.message);
  });
});

describe('classify: lines that are not errors', () => {
  test.each(NON_ERRORS.map((f) => [f.name, f.message] as const))('%s', (_name, message) => {
    expect(classify(sourceEvent(message))).toBeUndefined();
  });
});

describe('classify: level words are looked up as data', () => {
  // Object.prototype's members (constructor, toString, __proto__) once read as level words: these lines became errors.
  test.each(['toString failed for order 42', 'request constructor rejected', '[__proto__] whatever', '{"level":"constructor","msg":"x"}', '{"level":"__proto__","msg":"x"}'])('%s', (message) => {
    expect(classify(sourceEvent(message))).toBeUndefined();
  });
});

describe('classify: details', () => {
  test('frames are oldest first with file, line and column', () => {
    const fixture = ERROR_FIXTURES.find((f) => f.name === 'plain V8 trace')!;
    const frames = classify(sourceEvent(fixture.message))!.exceptions[0].frames;
    expect(frames[0]).toMatchObject({ function: 'Runtime.handleOnceNonStreaming', abs_path: '/var/runtime/index.mjs', in_app: false });
    expect(frames.at(-1)).toEqual({ function: 'chargeCard', abs_path: '/var/task/src/payments/charge.js', filename: 'src/payments/charge.js', lineno: 42, colno: 27, in_app: true });
  });

  test('Python frames keep the source line and mark libraries out of app', () => {
    const fixture = ERROR_FIXTURES.find((f) => f.name === 'structlog dict_tracebacks')!;
    const frames = classify(sourceEvent(fixture.message))!.exceptions[0].frames;
    expect(frames.map((f) => f.in_app)).toEqual([true, false]);
    const chained = classify(sourceEvent(ERROR_FIXTURES.find((f) => f.name === 'Python traceback with chained exceptions')!.message))!;
    expect(chained.exceptions[1].frames[1]).toMatchObject({ function: 'load_order', lineno: 54, context_line: 'raise OrderLookupError(f"order {order_id} unavailable") from exc', module: 'app.orders' });
    expect(chained.exceptions[0]).toMatchObject({ type: 'OperationalError', module: 'psycopg2' });
  });

  test('Java frames read class, method, file and line; JDK frames are not in app', () => {
    const fixture = ERROR_FIXTURES.find((f) => f.name === 'Java trace with Caused by')!;
    const [cause, primary] = classify(sourceEvent(fixture.message))!.exceptions;
    expect(primary.frames.at(-1)).toEqual({ function: 'load', module: 'com.acme.orders.OrderService', filename: 'OrderService.java', lineno: 88, in_app: true });
    expect(primary.frames[0]).toMatchObject({ module: 'java.lang.reflect.Method', in_app: false });
    expect(cause).toMatchObject({ module: 'java.sql', value: expect.stringContaining('HikariPool-1') });
  });

  test('Go frames name package and function; runtime frames are not in app', () => {
    const error = classify(sourceEvent(ERROR_FIXTURES.find((f) => f.name === 'Go panic')!.message))!;
    expect(error.exceptions[0].frames.at(-1)).toEqual({ function: '(*Builder).Total', module: 'github.com/acme/billing/internal/invoice', abs_path: '/build/internal/invoice/builder.go', filename: '/build/internal/invoice/builder.go', lineno: 57, in_app: true });
  });

  test('takes the time of the line itself when it has one', () => {
    const pino = classify(sourceEvent(ERROR_FIXTURES[0].message))!;
    expect(pino.timestamp).toBe(1795253400123);
    const log4j = classify(sourceEvent(ERROR_FIXTURES.find((f) => f.name.startsWith('log4j2 JsonLayout'))!.message))!;
    expect(log4j.timestamp).toBe(1795253406120);
  });

  test('carries release and user id only when the log does', () => {
    const withUser = classify(sourceEvent(JSON.stringify({ level: 'error', message: 'x', user_id: 'u-123', release: 'orders@1.4.2' })))!;
    expect(withUser).toMatchObject({ userId: 'u-123', release: 'orders@1.4.2' });
    const without = classify(sourceEvent(JSON.stringify({ level: 'error', message: 'x' })))!;
    expect(without.userId).toBeUndefined();
    expect(without.release).toBeUndefined();
    // An e-mail address as user id is personal data: the event that leaves carries no user at all.
    const emailSource = sourceEvent(JSON.stringify({ level: 'error', message: 'x', user_id: 'jane@example.com' }));
    const emailUser = classify(emailSource)!;
    const sent = redactSentryEvent(toSentryEvent(emailUser, emailSource, { environment: 'prod', region: 'eu-west-1' }), createRedactor());
    expect(sent.user).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('jane@example.com');
  });

  test('a secret inside embedded JSON never reaches the event that is sent', () => {
    const line = `2026-11-21T09:30:11.204Z\tundefined\tERROR\t{"level":"error","msg":"auth failed","credentials":{"user":"bob","pin":"1234"}}`;
    const source = sourceEvent(line);
    const error = classify(source)!;
    expect(error.message).toBe('auth failed');
    const sent = redactSentryEvent(toSentryEvent(error, source, { environment: 'prod', region: 'eu-west-1' }), createRedactor());
    expect(JSON.stringify(sent)).not.toMatch(/"pin"|"1234"/);
  });
});
