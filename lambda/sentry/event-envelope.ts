import { createEnvelope, serializeEnvelope, type Event, type EventEnvelope } from '@sentry/core';
import { FORWARDER_SDK, type SentryEvent } from './sentry-event';

/**
 * An event's envelope, byte for byte as @sentry/core's `serializeEnvelope` writes it: the header line
 * (`event_id`, `sent_at`, `sdk`), the item header `{"type":"event"}` and the event's JSON, joined by newlines.
 * `sent_at` is the time of each attempt, so it is written per attempt; the event's JSON is made once per event, and
 * a retry reuses it.
 */

const ITEM_HEADER_LINE = `\n${JSON.stringify({ type: 'event' })}\n`;
const SDK_JSON = JSON.stringify(FORWARDER_SDK);

export class EventEnvelopeWriter {
  /** The event's JSON, kept for a retry; undefined before the first attempt or when only core's fallback could write it. */
  private eventJson: string | undefined;

  constructor(private readonly event: SentryEvent) {}

  /** The envelope as sent at `sentAt` (an ISO timestamp). */
  serialize(sentAt: string): string | Uint8Array {
    if (this.eventJson === undefined) {
      try {
        this.eventJson = JSON.stringify(this.event);
      } catch {
        // What plain JSON cannot write (a cycle, a BigInt) goes through core's own fallback, which normalises it.
        return serializeEnvelope(createEnvelope<EventEnvelope>({ event_id: this.event.event_id, sent_at: sentAt, sdk: FORWARDER_SDK }, [[{ type: 'event' }, this.event as unknown as Event]]));
      }
    }
    return `{"event_id":${JSON.stringify(this.event.event_id)},"sent_at":${JSON.stringify(sentAt)},"sdk":${SDK_JSON}}${ITEM_HEADER_LINE}${this.eventJson}`;
  }
}
