import fc from 'fast-check';
import { logEvent } from '../../../lambda/pipeline/log-event';
import { createRedactor, isSecretKey, type Redactor } from '../../../lambda/pipeline/redact';
import type { JsonValue } from '../../../lambda/pipeline/types';
import type { DetectedError, ExceptionInfo, StackFrame } from '../../../lambda/sentry/detected-error';
import { LOG_FORMATS } from '../../../lambda/sentry/detected-error';
import { toSentryEvent } from '../../../lambda/sentry/map-event';
import { redactSentryEvent } from '../../../lambda/sentry/redact-event';
import type { SentryEvent } from '../../../lambda/sentry/sentry-event';

/**
 * The Sentry event's own redaction (known fields only) gives exactly what the shared redactor's walk over the whole
 * event gives: every string and number that came from the log line is redacted, nothing the mapper wrote itself
 * changes, and two redactors over the same frame objects each apply their own rules.
 */

const RUNS = 1500;

/** The previous implementation: the whole event through the generic walk, a redacted user id dropped. */
function walkedWhole(event: SentryEvent, redactor: Redactor): SentryEvent {
  const redacted = redactor.value(event as unknown as JsonValue) as unknown as SentryEvent;
  if (!redacted.user?.id.startsWith('[REDACTED')) return redacted;
  const { user: _dropped, ...withoutUser } = redacted;
  return withoutUser;
}

/** Things every rule knows, alone, inside text and long enough to take the no-pre-check path. */
const SECRETS = [
  'ops@example.com',
  '4111 1111 1111 1111',
  '4111111111111111',
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'password=hunter2',
  '"api_key": "abc123def456"',
  'Authorization: Bearer abcdefghijklmnopqrstuvwxyz',
  'sk-lf-12345678abcdef',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
  'https://user:pw@sentry.example.com/42',
  'Cookie: session=abc',
  'CUSTOM-1234',
];
const text = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
  { arbitrary: fc.constantFrom(...SECRETS), weight: 2 },
  { arbitrary: fc.tuple(fc.string({ maxLength: 40 }), fc.constantFrom(...SECRETS), fc.string({ maxLength: 40 })).map((parts) => parts.join(' ')), weight: 2 },
);
const optionalText = fc.option(text, { nil: undefined });
/** Line numbers: small ones, and ones that are card numbers. */
const lineNumber = fc.option(fc.oneof(fc.nat(100000), fc.constant(4111111111111111), fc.constant(5555555555554444)), { nil: undefined });

const frame: fc.Arbitrary<StackFrame> = fc
  .record({ function: optionalText, abs_path: optionalText, filename: optionalText, module: optionalText, lineno: lineNumber, colno: lineNumber, context_line: optionalText, in_app: fc.boolean() })
  .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as StackFrame);

/** Events of one run share frame objects, as a storm's events share the frames of one parsed stack. */
const scenario = fc.array(frame, { minLength: 1, maxLength: 8 }).chain((pool) => {
  const exception: fc.Arbitrary<ExceptionInfo> = fc
    .record({ type: text, value: text, module: optionalText, frames: fc.array(fc.constantFrom(...pool), { maxLength: 60 }) })
    .map(({ module, ...rest }) => (module === undefined ? rest : { ...rest, module }));
  const error: fc.Arbitrary<DetectedError> = fc
    .record({
      level: fc.constantFrom('error' as const, 'fatal' as const),
      format: fc.constantFrom(...Object.values(LOG_FORMATS)),
      platform: fc.constantFrom('node' as const, 'python' as const, 'java' as const, 'go' as const, 'other' as const),
      message: text,
      exceptions: fc.array(exception, { maxLength: 3 }),
      timestamp: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { nil: undefined }),
      logger: optionalText,
      requestId: optionalText,
      functionName: optionalText,
      service: optionalText,
      release: optionalText,
      userId: optionalText,
      traceId: optionalText,
    })
    .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as DetectedError);
  const source = fc.record({ id: fc.oneof(fc.stringMatching(/^\d{56}$/), text), message: text, logGroup: text, logStream: text, account: fc.oneof(fc.constant('123456789012'), text) });
  return fc.array(fc.tuple(error, source, fc.option(text, { nil: undefined })), { minLength: 1, maxLength: 6 });
});

describe('redactSentryEvent', () => {
  const redactors = [createRedactor(), createRedactor({ extraPatterns: [/CUSTOM-\d+/] })];

  test('gives what the walk over the whole event gives', () => {
    fc.assert(
      fc.property(scenario, (events) => {
        for (const [error, fields, forwarderRelease] of events) {
          const source = logEvent({ timestamp: 1_750_000_000_000, ...fields });
          const event = toSentryEvent(error, source, { environment: 'prod', region: 'eu-west-1' }, { forwarderRelease });
          // Both redactors over the same frame objects, in turn: one's rules must not leak into the other's result.
          for (const redactor of redactors) expect(redactSentryEvent(event, redactor)).toStrictEqual(walkedWhole(event, redactor));
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('an event with a field the mapper does not write is walked whole', () => {
    const redactor = createRedactor();
    const source = logEvent({ id: '1', timestamp: 1_750_000_000_000, message: 'x', logGroup: '/aws/lambda/checkout', logStream: 's', account: '123456789012' });
    const error: DetectedError = { level: 'error', format: 'json', platform: 'node', message: 'boom', exceptions: [] };
    const event = { ...toSentryEvent(error, source, { environment: 'prod', region: 'eu-west-1' }), note: 'mail ops@example.com', password: 'hunter2' };
    const redacted = redactSentryEvent(event as SentryEvent, redactor) as SentryEvent & { note: string; password: string };
    expect(redacted.note).toBe('mail [REDACTED:email]');
    expect(redacted.password).toBe('[REDACTED:secret]');
  });

  test('no field the mapper writes has a name the walk would blank', () => {
    const fields = ['event_id', 'timestamp', 'platform', 'level', 'environment', 'logger', 'release', 'logentry', 'formatted', 'fingerprint', 'exception', 'values', 'type', 'value', 'module', 'stacktrace', 'frames', 'mechanism', 'user', 'id', 'sdk'];
    expect(fields.filter((field) => isSecretKey(field))).toEqual([]);
  });
});
