import type { Redactor } from '../pipeline/redact';
import { readJsonObject } from '../pipeline/safe-json';
import type { Destination } from '../pipeline/types';
import { classify } from './classify';
import { fingerprintOf } from './fingerprint';
import { serviceOf, timestampSecondsOf, toSentryEvent } from './map-event';
import type { SentryEvent } from './sentry-event';
import type { SentryTransport } from './sentry-transport';
import { createStormCap, fingerprintKey } from './storm-cap';

export interface SentryDestinationOptions {
  readonly transport: SentryTransport;
  /** Redacts JSON found inside text lines (e.g. `Invoke Error {...}`), as the pipeline does for whole JSON lines. */
  readonly redactor: Redactor;
  /** Events per fingerprint per invocation; the rest are counted into the last one sent. */
  readonly maxEventsPerFingerprint: number;
  readonly forwarderRelease?: string;
}

/** The Sentry forwarder as a pipeline destination: classify → map → cap storms → send. */
export function createSentryDestination(options: SentryDestinationOptions): Destination<SentryEvent> {
  const readEmbeddedJson = (text: string) => {
    const parsed = readJsonObject(text);
    return parsed ? options.redactor.json(parsed) : undefined;
  };
  const cap = createStormCap(options.maxEventsPerFingerprint);
  return {
    name: 'sentry',
    matchedMetricName: 'ErrorsDetected',
    begin: () => cap.reset(),
    prepare(event, context) {
      const error = classify(event, readEmbeddedJson);
      if (!error) return { kind: 'skip', reason: 'not an error' };
      const fingerprint = fingerprintOf(error, serviceOf(error, event));
      const key = fingerprintKey(fingerprint);
      if (!cap.admit(key, timestampSecondsOf(error, event))) return { kind: 'suppressed' };
      const sentryEvent = toSentryEvent(error, event, context, { forwarderRelease: options.forwarderRelease, fingerprint });
      cap.sent(key, sentryEvent);
      return { kind: 'payloads', payloads: [sentryEvent] };
    },
    finalize: (events) => cap.settle(events),
    deliver: (events, deadline) => options.transport.deliver(events, deadline),
    payloadId: (event) => event.event_id,
  };
}
