import { createEnvelope, serializeEnvelope, type Event, type EventEnvelope } from '@sentry/core';
import { createDeadline } from '../../../lambda/pipeline/deadline';
import { DEFAULT_RETRY_POLICY } from '../../../lambda/pipeline/retry';
import { FORWARDER_SDK, type SentryEvent } from '../../../lambda/sentry/sentry-event';
import { createSentryTransport, outcomeOf } from '../../../lambda/sentry/sentry-transport';
import { PROJECT_ID, PUBLIC_KEY, startSentryReceiver, type SentryReceiver } from '../../support/sentry-receiver';

const event = (n: number, extra: Record<string, string> = {}): SentryEvent => ({
  event_id: n.toString(16).padStart(32, '0'),
  timestamp: 1795253400.123,
  platform: 'node',
  level: 'error',
  environment: 'prod',
  logentry: { formatted: `payment failed ${n}` },
  fingerprint: ['checkout', 'TypeError', 'src/payments/charge.js:chargeCard'],
  tags: { service: 'checkout' },
  extra: { 'log.format': 'pino', ...extra },
  sdk: FORWARDER_SDK,
});

/** Fast retries so the tests take milliseconds; the policy's logic is the same. */
const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 5, maxDelayMs: 20, attemptTimeoutMs: 300 };

describe('Sentry transport', () => {
  let sentry: SentryReceiver;
  beforeEach(async () => {
    sentry = await startSentryReceiver();
  });
  afterEach(async () => {
    await sentry.close();
  });
  const transport = (dsn: string | null = sentry.dsn) => createSentryTransport({ dsn: async () => dsn ?? undefined, concurrency: 4, policy });

  test('posts one event per envelope to the envelope endpoint, authenticated by the DSN key', async () => {
    const report = await transport().deliver([event(1), event(2)], createDeadline(10_000));
    expect(report).toEqual({ delivered: 2, failed: [] });
    expect(sentry.requests).toHaveLength(2);
    for (const request of sentry.requests) {
      expect(request.path).toBe(`/api/${PROJECT_ID}/envelope/`);
      expect(request.query.get('sentry_key')).toBe(PUBLIC_KEY);
      expect(request.query.get('sentry_version')).toBe('7');
      expect(request.items).toHaveLength(1);
      expect(request.items[0][0]).toMatchObject({ type: 'event' });
    }
    expect([...sentry.accepted.keys()].sort()).toEqual([event(1).event_id, event(2).event_id]);
  });

  test('gzips a large event', async () => {
    await transport().deliver([event(3, { big: 'x'.repeat(20_000) })], createDeadline(10_000));
    expect(sentry.requests[0].gzipped).toBe(true);
  });

  test('retries 5xx and connection resets, then delivers once', async () => {
    sentry.script({ kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'status', status: 502 });
    const report = await transport().deliver([event(4)], createDeadline(10_000));
    expect(report).toEqual({ delivered: 1, failed: [] });
    expect(sentry.requests.map((r) => r.answered)).toEqual([503, 'reset', 502, 200]);
    expect(sentry.accepted.get(event(4).event_id)).toBe(1);
  });

  test('each attempt is stamped with its own sent_at; the envelope is otherwise what @sentry/core writes', async () => {
    sentry.script({ kind: 'status', status: 503 });
    let clock = Date.parse('2026-11-21T09:30:00.000Z');
    const t = createSentryTransport({ dsn: async () => sentry.dsn, concurrency: 4, policy, now: () => (clock += 250) });
    expect(await t.deliver([event(15)], createDeadline(10_000))).toEqual({ delivered: 1, failed: [] });
    expect(sentry.requests).toHaveLength(2);
    const [first, retry] = sentry.requests.map((request) => request.header.sent_at as string);
    expect(Date.parse(retry)).toBeGreaterThan(Date.parse(first));
    for (const request of sentry.requests) {
      const sentAt = request.header.sent_at as string;
      const expected = serializeEnvelope(createEnvelope<EventEnvelope>({ event_id: event(15).event_id, sent_at: sentAt, sdk: FORWARDER_SDK }, [[{ type: 'event' }, event(15) as unknown as Event]]));
      expect(request.raw.toString('utf8')).toBe(expected);
    }
  });

  test('times out a hung request and retries it', async () => {
    sentry.script({ kind: 'hang' });
    const report = await transport().deliver([event(5)], createDeadline(10_000));
    expect(report.delivered).toBe(1);
    expect(sentry.requests.map((r) => r.answered)).toEqual(['hang', 200]);
  });

  test.each([400, 413])('does not retry %i', async (status) => {
    sentry.script({ kind: 'status', status });
    const report = await transport().deliver([event(6)], createDeadline(10_000));
    expect(report.failed).toEqual([{ payload: event(6), reason: `HTTP ${status} from Sentry: event refused`, retryable: false }]);
    expect(sentry.requests).toHaveLength(1);
  });

  test('on 429 waits out a short Retry-After inside the deadline', async () => {
    sentry.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const report = await transport().deliver([event(7)], createDeadline(10_000));
    expect(report.delivered).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  test('on 429 with X-Sentry-Rate-Limits beyond the deadline, stops sending and hands back the wait', async () => {
    sentry.decide(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '60', 'x-sentry-rate-limits': '120:error;transaction:organization' } }));
    const report = await transport().deliver([event(8), event(9), event(10), event(11), event(12), event(13)], createDeadline(5_000));
    expect(report.delivered).toBe(0);
    expect(report.failed).toHaveLength(6);
    for (const failure of report.failed) {
      expect(failure.retryable).toBe(true);
      expect(failure.retryAfterMs).toBeGreaterThan(100_000);
    }
    // Only the first wave (the concurrency) reached Sentry; everything after it was held back by the rate limit.
    expect(sentry.requests.length).toBeLessThanOrEqual(4);
  });

  test('honours X-Sentry-Rate-Limits on a 200 for the events after it', async () => {
    const t = transport();
    sentry.script({ kind: 'ok', headers: { 'x-sentry-rate-limits': '60:error:organization' } });
    expect((await t.deliver([event(11)], createDeadline(10_000))).delivered).toBe(1);
    const later = await t.deliver([event(12)], createDeadline(3_000));
    expect(later.delivered).toBe(0);
    expect(later.failed[0].reason).toMatch(/rate limited/);
    expect(sentry.requests).toHaveLength(1);
  });

  test('gives up inside the deadline when Sentry keeps failing', async () => {
    sentry.decide(() => ({ kind: 'status', status: 500 }));
    const started = Date.now();
    const report = await transport().deliver([event(13)], createDeadline(1_000, Date.now, 0));
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(report.failed[0]).toMatchObject({ retryable: true, reason: expect.stringMatching(/HTTP 500/) });
  });

  test('without a DSN, or with a malformed one, every event fails retryably and the DSN is never printed', async () => {
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await transport(null).deliver([event(14)], createDeadline(1_000))).failed[0].reason).toBe('no Sentry DSN configured');
    expect((await transport('not-a-dsn-secret-value').deliver([event(14)], createDeadline(1_000))).failed[0].reason).toBe('the Sentry DSN is not valid');
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  test('when the DSN cannot be loaded, every event fails retryably with what went wrong, whatever was thrown', async () => {
    const failing = (thrown: unknown) => createSentryTransport({ dsn: () => Promise.reject(thrown), concurrency: 4, policy });
    const kmsDenied = await failing(new Error('AccessDeniedException: not authorised to kms:Decrypt')).deliver([event(15), event(16)], createDeadline(1_000));
    expect(kmsDenied.failed).toHaveLength(2);
    expect(kmsDenied.failed[0]).toMatchObject({ retryable: true, reason: 'Sentry DSN unavailable: AccessDeniedException: not authorised to kms:Decrypt' });
    const notAnError = await failing('KMS throttled').deliver([event(17)], createDeadline(1_000));
    expect(notAnError.failed[0].reason).toBe('Sentry DSN unavailable: KMS throttled');
  });

  test('maps statuses to outcomes', () => {
    expect(outcomeOf(202, () => 0).kind).toBe('done');
    expect(outcomeOf(429, () => 5_000)).toEqual({ kind: 'retry', reason: 'HTTP 429 from Sentry', waitMs: 5_000 });
    expect(outcomeOf(503, () => 0).kind).toBe('retry');
    expect(outcomeOf(401, () => 0)).toMatchObject({ kind: 'give-up', retryable: true });
  });
});
