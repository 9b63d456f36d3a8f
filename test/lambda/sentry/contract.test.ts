import { gunzipSync } from 'node:zlib';
import { parseEnvelope } from '@sentry/core';
import { createForwarderHandler, type InvocationSummary } from '../../../lambda/pipeline/forwarder';
import { createLogger } from '../../../lambda/pipeline/logger';
import { createRedactor } from '../../../lambda/pipeline/redact';
import { createSentryDestination } from '../../../lambda/sentry/destination';
import { createSentryTransport } from '../../../lambda/sentry/sentry-transport';
import { subscriptionEvent } from '../../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES } from '../../fixtures/logs/error-lines';
import { startSentryReceiver, type SentryReceiver } from '../../support/sentry-receiver';
import { compileSentryEventSchema } from './sentry-schema';

/**
 * Contract: what the forwarder sends is what Sentry accepts. Every envelope parses with @sentry/core's own
 * parseEnvelope, and every event validates against Relay's event schema (getsentry/sentry-data-schemas).
 */
describe('Sentry contract', () => {
  const validate = compileSentryEventSchema();
  let sentry: SentryReceiver;
  beforeAll(async () => {
    sentry = await startSentryReceiver();
  });
  afterAll(async () => {
    await sentry.close();
  });

  test('every fixture becomes one valid envelope with one valid event', async () => {
    const redactor = createRedactor();
    const handler = createForwarderHandler(
      createSentryDestination({ transport: createSentryTransport({ dsn: async () => sentry.dsn, concurrency: 4 }), maxEventsPerFingerprint: 10 }),
      { context: { environment: 'prod', region: 'eu-west-1' }, redactor, logger: createLogger({ service: 't', sink: () => undefined }), metricsSink: () => undefined },
    );
    for (const [index, fixture] of ERROR_FIXTURES.entries()) {
      const summary = (await handler(subscriptionEvent({ logGroup: fixture.logGroup, events: [{ message: fixture.message }] }, index + 1), { getRemainingTimeInMillis: () => 60_000 })) as InvocationSummary;
      expect({ fixture: fixture.name, sent: summary.sent }).toEqual({ fixture: fixture.name, sent: 1 });
    }
    expect(sentry.requests).toHaveLength(ERROR_FIXTURES.length);
    for (const request of sentry.requests) {
      const [header, items] = parseEnvelope(new Uint8Array(request.gzipped ? gunzipSync(request.raw) : request.raw));
      expect(header).toMatchObject({ event_id: expect.stringMatching(/^[0-9a-f]{32}$/), sent_at: expect.any(String), sdk: { name: 'central-logging.sentry-forwarder' } });
      expect(items).toHaveLength(1);
      const [itemHeader, event] = items[0] as unknown as [{ type: string }, Record<string, unknown>];
      expect(itemHeader.type).toBe('event');
      expect(event.event_id).toBe(header.event_id);
      const valid = validate(event);
      expect({ event: event.logentry, errors: validate.errors ?? null, valid }).toEqual({ event: event.logentry, errors: null, valid: true });
    }
  });

  test('the schema is really checked: a legacy top-level message fails it', () => {
    expect(validate({ event_id: '0'.repeat(32), message: 'legacy' })).toBe(false);
    expect(validate({ event_id: 'not-a-uuid' })).toBe(false);
  });
});
