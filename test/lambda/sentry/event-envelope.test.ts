import fc from 'fast-check';
import { createEnvelope, parseEnvelope, serializeEnvelope, type Event, type EventEnvelope } from '@sentry/core';
import { EventEnvelopeWriter } from '../../../lambda/sentry/event-envelope';
import { FORWARDER_SDK, type SentryEvent } from '../../../lambda/sentry/sentry-event';

/** What @sentry/core itself writes for the event at `sentAt`: the bytes the writer must match. */
const coreEnvelope = (event: SentryEvent, sentAt: string) =>
  serializeEnvelope(createEnvelope<EventEnvelope>({ event_id: event.event_id, sent_at: sentAt, sdk: FORWARDER_SDK }, [[{ type: 'event' }, event as unknown as Event]]));

const event = (extra: Record<string, string | number>, formatted = 'payment failed'): SentryEvent => ({
  event_id: 'a'.repeat(32),
  timestamp: 1795253400.123,
  platform: 'node',
  level: 'error',
  environment: 'prod',
  logentry: { formatted },
  fingerprint: ['checkout', 'TypeError'],
  tags: { service: 'checkout' },
  extra,
  sdk: FORWARDER_SDK,
});

describe('EventEnvelopeWriter', () => {
  test('writes what @sentry/core serializeEnvelope writes, for any text in the event', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.double({ noNaN: true }))), fc.string({ unit: 'binary' }), (extra, formatted) => {
        const sentAt = '2026-11-21T09:30:00.000Z';
        expect(new EventEnvelopeWriter(event(extra, formatted)).serialize(sentAt)).toEqual(coreEnvelope(event(extra, formatted), sentAt));
      }),
      { numRuns: 300 },
    );
  });

  test('a retry gets its own sent_at and the same event', () => {
    const sample = event({ 'log.format': 'pino', note: 'café \u2028 "quoted"' });
    const writer = new EventEnvelopeWriter(sample);
    const first = writer.serialize('2026-11-21T09:30:00.000Z');
    const retry = writer.serialize('2026-11-21T09:30:02.500Z');
    expect(retry).toEqual(coreEnvelope(sample, '2026-11-21T09:30:02.500Z'));
    expect(first).not.toEqual(retry);
    const [header, items] = parseEnvelope(retry as string);
    expect(header).toEqual({ event_id: sample.event_id, sent_at: '2026-11-21T09:30:02.500Z', sdk: FORWARDER_SDK });
    expect(items).toEqual([[{ type: 'event' }, sample]]);
  });

  test('an event plain JSON cannot write goes through core’s normalising fallback, as before', () => {
    const odd = { ...event({}), extra: { big: 10n } } as unknown as SentryEvent;
    const sentAt = '2026-11-21T09:30:00.000Z';
    expect(new EventEnvelopeWriter(odd).serialize(sentAt)).toEqual(coreEnvelope(odd, sentAt));
  });
});
