import { logEvent } from '../../../lambda/pipeline/log-event';
import { createForwarderHandler } from '../../../lambda/pipeline/forwarder';
import { createLogger } from '../../../lambda/pipeline/logger';
import { createRedactor, type Redactor } from '../../../lambda/pipeline/redact';
import type { SourceLogEvent } from '../../../lambda/pipeline/types';
import { classify } from '../../../lambda/sentry/classify';
import { eventIdFor } from '../../../lambda/sentry/event-id';
import { fingerprintOf, normaliseMessage } from '../../../lambda/sentry/fingerprint';
import { MAX_FRAMES, toSentryEvent } from '../../../lambda/sentry/map-event';
import { createSentryDestination } from '../../../lambda/sentry/destination';
import { redactSentryEvent } from '../../../lambda/sentry/redact-event';
import type { SentryEvent } from '../../../lambda/sentry/sentry-event';
import { createSentryTransport } from '../../../lambda/sentry/sentry-transport';
import { subscriptionEvent } from '../../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES, NODE_STACK } from '../../fixtures/logs/error-lines';

const redactor = createRedactor();
const context = { environment: 'prod', region: 'eu-west-1' };

/** The raw event, as the pipeline hands it to `prepare`. */
function source(message: string, overrides: Partial<SourceLogEvent> = {}): SourceLogEvent {
  return logEvent({ id: '37719999372640478163573591346497413537837468512318914560', timestamp: Date.UTC(2026, 10, 21, 9, 30), message, logGroup: '/aws/ecs/checkout/errors', logStream: 'checkout/app/5f1c2d3e', account: '123456789012', ...overrides });
}

/** The event as it leaves: mapped from the raw line, then redacted. */
function mapped(message: string, overrides: Partial<SourceLogEvent> = {}) {
  const event = source(message, overrides);
  return redactSentryEvent(toSentryEvent(classify(event)!, event, context, { forwarderRelease: 'forwarder@1.2.0' }), redactor);
}

describe('toSentryEvent', () => {
  test('maps a pino error with every field Sentry needs', () => {
    const event = mapped(ERROR_FIXTURES[0].message);
    expect(event).toMatchObject({
      event_id: eventIdFor('/aws/ecs/checkout/errors', 'checkout/app/5f1c2d3e', '37719999372640478163573591346497413537837468512318914560'),
      timestamp: 1795253400.123,
      platform: 'node',
      level: 'error',
      environment: 'prod',
      logentry: { formatted: 'payment failed' },
      fingerprint: ['checkout', 'TypeError', 'src/payments/charge.js:chargeCard'],
      tags: {
        environment: 'prod',
        service: 'checkout',
        log_type: 'errors',
        log_group: '/aws/ecs/checkout/errors',
        log_stream: 'checkout/app/5f1c2d3e',
        region: 'eu-west-1',
        account: '123456789012',
        request_id: 'req-7f3a',
        forwarder_release: 'forwarder@1.2.0',
      },
      extra: { 'log.format': 'pino', 'cloudwatch.event_id': '37719999372640478163573591346497413537837468512318914560' },
    });
    expect(event.release).toBeUndefined();
    expect(event.user).toBeUndefined();
    const [exception] = event.exception!.values;
    expect(exception).toMatchObject({ type: 'TypeError', mechanism: { type: 'cloudwatch-logs', handled: true } });
    expect(exception.stacktrace!.frames.at(-1)).toMatchObject({ function: 'chargeCard', in_app: true });
  });

  test('the event id is 32 hex, the same on every delivery, different per CloudWatch event', () => {
    const id = eventIdFor('/aws/ecs/checkout/errors', 's', '1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(eventIdFor('/aws/ecs/checkout/errors', 's', '1')).toBe(id);
    expect(eventIdFor('/aws/ecs/checkout/errors', 's', '2')).not.toBe(id);
    expect(eventIdFor('/aws/ecs/checkout/errors', 't', '1')).not.toBe(id);
    // The same across releases too, or a redrive after a deploy would be a second event: sha256 of group, stream, id.
    expect(id).toBe('f4fcea06c7f8ae72184dba18b91bd71c');
  });

  test('Lambda groups name the function; runtime crashes are unhandled and fatal', () => {
    const event = mapped(`RequestId: 8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f Error: Runtime exited with error: signal: killed\nRuntime.ExitError`, { logGroup: '/aws/lambda/image-resizer' });
    expect(event.tags).toMatchObject({ function_name: 'image-resizer', service: 'image-resizer', log_type: 'lambda', request_id: '8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f' });
    expect(event).toMatchObject({ level: 'fatal', exception: { values: [{ type: 'Runtime.ExitError', mechanism: { handled: false } }] } });
  });

  test('keeps at most 50 frames, the newest, and says how many were left out', () => {
    const deep = ['RangeError: Maximum call stack size exceeded', ...Array.from({ length: 80 }, (_, i) => `    at recurse${i} (/var/task/src/walk.js:${i + 1}:5)`)].join('\n');
    const event = mapped(deep);
    const frames = event.exception!.values[0].stacktrace!.frames;
    expect(frames).toHaveLength(MAX_FRAMES);
    expect(frames.at(-1)!.function).toBe('recurse0');
    expect(event.extra.frames_omitted).toBe(30);
  });

  test('uses the log time, unless it is more than a day from CloudWatch time', () => {
    expect(mapped(JSON.stringify({ level: 'error', msg: 'x', time: Date.UTC(2026, 10, 21, 9, 29, 58, 500) })).timestamp).toBe(Date.UTC(2026, 10, 21, 9, 29, 58, 500) / 1000);
    expect(mapped(JSON.stringify({ level: 'error', msg: 'x', time: '1999-01-01T00:00:00Z' })).timestamp).toBe(Date.UTC(2026, 10, 21, 9, 30) / 1000);
  });

  test('tag values stay within Sentry limits', () => {
    const longStream = `s/${'x'.repeat(400)}`;
    const event = mapped('ERROR boom', { logStream: longStream });
    expect(event.tags.log_stream).toHaveLength(200);
  });
});

describe('fingerprint', () => {
  test('type and top in-app frame, ignoring line numbers', () => {
    const a = mapped(NODE_STACK);
    const b = mapped(NODE_STACK.replace(':42:27', ':57:3').replace("reading 'amount'", "reading 'currency'"));
    expect(a.fingerprint).toEqual(b.fingerprint);
  });

  test('without an exception: the message with varying parts normalised', () => {
    const a = mapped('2026-11-21T09:30:16.000Z ERROR upstream 502 for order 8812 (req 5f1c2d3e-aaaa-4bbb-8ccc-0123456789ab, trace 0x7f3a9c)');
    const b = mapped('2026-11-21T10:01:00.000Z ERROR upstream 503 for order 9907 (req 0b1c2d3e-aaaa-4bbb-8ccc-ba9876543210, trace 0x11aa22)');
    expect(a.fingerprint).toEqual(b.fingerprint);
    expect(a.fingerprint[1]).toBe('<ts> ERROR upstream <n> for order <n> (req <uuid>, trace <hex>)');
    expect(mapped('ERROR disk full on /data').fingerprint).not.toEqual(a.fingerprint);
  });

  test('no in-app frame: type and normalised value', () => {
    const error = classify(source('Error: connect ECONNREFUSED 10.0.4.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)'))!;
    expect(fingerprintOf(error, 'api')).toEqual(['api', 'Error', 'connect ECONNREFUSED <n>.<n>.<n>.<n>:<n>']);
  });

  test('normaliseMessage keeps words and hides ids', () => {
    expect(normaliseMessage('user 42 hit deadbeef01 at "cart/7"')).toBe('user <n> hit <hex> at <str>');
  });
});

describe('storm cap', () => {
  /** One batch through the destination's own prepare/finalize, as the pipeline runs it. */
  function batch(messages: Array<{ message: string; second: number }>, max = 10) {
    const destination = createSentryDestination({ transport: createSentryTransport({ dsn: async () => undefined, concurrency: 1 }), maxEventsPerFingerprint: max });
    destination.begin!();
    const prepared: SentryEvent[] = [];
    let suppressed = 0;
    for (const [i, { message, second }] of messages.entries()) {
      const result = destination.prepare(source(message, { id: String(i), timestamp: Date.UTC(2026, 10, 21, 9, 30, second) }), context);
      if (result.kind === 'payloads') prepared.push(...result.payloads);
      if (result.kind === 'suppressed') suppressed++;
    }
    return { sent: destination.finalize!(prepared), suppressed };
  }
  const storm = (n: number, message = 'ERROR db pool exhausted') => Array.from({ length: n }, (_, second) => ({ message, second }));

  test('sends the first N per fingerprint and counts the rest into the last one sent', () => {
    const { sent, suppressed } = batch([...storm(25), ...storm(3, 'ERROR other thing')]);
    expect(suppressed).toBe(15);
    expect(sent).toHaveLength(13);
    const pool = sent.filter((e) => e.logentry.formatted.includes('pool'));
    expect(pool.slice(0, 9).every((e) => e.extra.suppressed === undefined)).toBe(true);
    expect(pool[9].extra).toMatchObject({ suppressed: 15, suppressed_until: '2026-11-21T09:30:24.000Z' });
    expect(sent.filter((e) => e.logentry.formatted.includes('other')).every((e) => e.extra.suppressed === undefined)).toBe(true);
  });

  test('starts afresh with every batch', () => {
    const destination = createSentryDestination({ transport: createSentryTransport({ dsn: async () => undefined, concurrency: 1 }), maxEventsPerFingerprint: 1 });
    for (let run = 0; run < 2; run++) {
      destination.begin!();
      expect(destination.prepare(source('ERROR same'), context).kind).toBe('payloads');
      expect(destination.prepare(source('ERROR same', { id: '2' }), context).kind).toBe('suppressed');
      destination.finalize!([]);
    }
  });

  test('a suppressed line and a line that is not an error never reach the redactor; what is sent is redacted', async () => {
    const inner = createRedactor();
    const seenByRedactor: string[] = [];
    const counting: Redactor = {
      text: (value) => (seenByRedactor.push(value), inner.text(value)),
      json: (value) => (seenByRedactor.push(JSON.stringify(value)), inner.json(value)),
      value: (value) => (seenByRedactor.push(JSON.stringify(value)), inner.value(value)),
    };
    const sent: SentryEvent[] = [];
    const transport = { deliver: async (events: readonly SentryEvent[]) => (sent.push(...events), { delivered: events.length, failed: [] }) };
    const handler = createForwarderHandler(createSentryDestination({ transport, maxEventsPerFingerprint: 1 }), {
      context,
      redactor: counting,
      logger: createLogger({ service: 't', sink: () => undefined }),
      metricsSink: () => undefined,
    });
    const summary = await handler(
      subscriptionEvent({
        events: [
          { message: 'ERROR db pool exhausted for jane@example.com password=storm-secret-1' },
          { message: 'ERROR db pool exhausted for joe@example.com password=storm-secret-2' },
          { message: 'INFO login ok for ann@example.com token=info-secret-3' },
        ],
      }),
      { getRemainingTimeInMillis: () => 10_000 },
    );
    expect(summary).toMatchObject({ received: 3, matched: 2, sent: 1, suppressed: 1 });
    const redactorInput = seenByRedactor.join('\n');
    expect(redactorInput).toContain('storm-secret-1');
    expect(redactorInput).not.toMatch(/storm-secret-2|joe@example|info-secret-3|ann@example/);
    expect(JSON.stringify(sent)).not.toMatch(/storm-secret|@example\.com/);
    expect(sent[0].extra).toMatchObject({ suppressed: 1 });
  });

  test('is deterministic, so a re-delivered batch sends the same event ids', () => {
    expect(batch(storm(12), 5).sent.map((e) => e.event_id)).toEqual(batch(storm(12), 5).sent.map((e) => e.event_id));
  });
});
