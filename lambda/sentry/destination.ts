import type { Destination } from '../pipeline/types';
import { classify } from './classify';
import { fingerprintOf } from './fingerprint';
import { serviceOf, timestampSecondsOf, toSentryEvent } from './map-event';
import { redactSentryEvent } from './redact-event';
import type { SentryEvent } from './sentry-event';
import type { SentryTransport } from './sentry-transport';
import { createStormCap, fingerprintKey } from './storm-cap';

export interface SentryDestinationOptions {
  readonly transport: SentryTransport;
  /** Events per fingerprint per invocation; the rest are counted into the last one sent. */
  readonly maxEventsPerFingerprint: number;
  readonly forwarderRelease?: string;
}

/**
 * The Sentry forwarder as a pipeline destination: classify → fingerprint → cap storms → map → (pipeline) redact →
 * send. The cap comes before the mapping, so a suppressed line costs a classification and is never mapped or
 * redacted.
 */
export function createSentryDestination(options: SentryDestinationOptions): Destination<SentryEvent> {
  const cap = createStormCap(options.maxEventsPerFingerprint);
  return {
    name: 'sentry',
    matchedMetricName: 'ErrorsDetected',
    begin: () => cap.reset(),
    prepare(event, context) {
      const error = classify(event);
      if (!error) return { kind: 'skip', reason: 'not an error' };
      const fingerprint = fingerprintOf(error, serviceOf(error, event));
      const key = fingerprintKey(fingerprint);
      if (!cap.admit(key, timestampSecondsOf(error, event))) return { kind: 'suppressed' };
      const sentryEvent = toSentryEvent(error, event, context, { forwarderRelease: options.forwarderRelease, fingerprint });
      cap.sent(key, sentryEvent);
      return { kind: 'payloads', payloads: [sentryEvent] };
    },
    finalize: (events) => cap.settle(events),
    redact: redactSentryEvent,
    deliver: (events, deadline) => options.transport.deliver(events, deadline),
    payloadId: (event) => event.event_id,
  };
}
