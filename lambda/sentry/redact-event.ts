import type { Redactor } from '../pipeline/redact';
import type { JsonValue, Mutable } from '../pipeline/types';
import type { SentryEvent, SentryException, SentryFrame } from './sentry-event';
import { packedMap } from '../pipeline/packed-map';

/**
 * Redaction of a Sentry event the mapper built: the same result as the shared redactor's walk over the whole event
 * (property-tested against it), at a fraction of the cost.
 * - Every string that came from the log line (message, exception type/value/module, frames, fingerprint, tags,
 *   extra, logger, release, user) goes through the shared rules; numbers from the line too (a line number could be a
 *   card number).
 * - What the mapper wrote from its own constants or a hash (event id, platform, level, mechanism, sdk) is left
 *   alone: no rule can match it.
 * - Frames are redacted on every event. Remembering each frame object's redaction (text stacks' frames recur through
 *   the parse memos) measured no faster on the benchmark batch, where only the events sent after the storm cap are
 *   redacted, and a WeakMap insert per frame read from JSON (new objects on every line) is pure cost.
 * An event with a field the mapper does not write is walked whole, so nothing new can slip past.
 */

/** Fields whose value the mapper derives from constants or a hash only. */
const FIXED_EVENT_FIELDS = new Set(['event_id', 'platform', 'level', 'sdk']);
const EVENT_FIELDS = new Set([...FIXED_EVENT_FIELDS, 'timestamp', 'environment', 'logger', 'release', 'logentry', 'fingerprint', 'tags', 'extra', 'user', 'exception']);
const EXCEPTION_FIELDS = new Set(['type', 'value', 'module', 'stacktrace', 'mechanism']);

/**
 * Every string that came from the log through the shared rules, values under secret-looking keys blanked. A user id
 * that was itself a secret (an e-mail address) identifies no one once redacted, so it is dropped rather than sent as
 * a marker.
 */
export function redactSentryEvent(event: SentryEvent, redactor: Redactor): SentryEvent {
  const redacted = hasOnly(event, EVENT_FIELDS) ? redactKnownFields(event, redactor) : walkWhole(event, redactor);
  if (!redacted.user?.id.startsWith('[REDACTED')) return redacted;
  const { user: _dropped, ...withoutUser } = redacted;
  return withoutUser;
}

function redactKnownFields(event: SentryEvent, redactor: Redactor): SentryEvent {
  const { text } = redactor;
  const source = event as unknown as Record<string, JsonValue>;
  const out: Record<string, unknown> = {};
  // Field by field in the event's own order, so the JSON sent is the walk's to the byte.
  for (const key of Object.keys(source)) {
    switch (key) {
      case 'environment':
      case 'logger':
      case 'release':
        out[key] = text(source[key] as string);
        break;
      case 'logentry':
        out.logentry = { formatted: text(event.logentry.formatted) };
        break;
      case 'fingerprint':
        out.fingerprint = packedMap(event.fingerprint, text);
        break;
      case 'user':
        out.user = { id: text(event.user!.id) };
        break;
      case 'exception':
        out.exception = { values: packedMap(event.exception!.values, (exception) => redactException(exception, redactor)) };
        break;
      default:
        // timestamp, tags and extra through the walk; what the mapper wrote from constants or a hash as it is.
        out[key] = FIXED_EVENT_FIELDS.has(key) ? source[key] : redactor.value(source[key]);
    }
  }
  return out as unknown as SentryEvent;
}

function redactException(exception: SentryException, redactor: Redactor): SentryException {
  if (!hasOnly(exception, EXCEPTION_FIELDS)) return redactor.value(exception as unknown as JsonValue) as unknown as SentryException;
  const out = {} as Mutable<SentryException>;
  for (const key of Object.keys(exception) as Array<keyof SentryException>) {
    if (key === 'stacktrace') out.stacktrace = { frames: redactFrames(exception.stacktrace!.frames, redactor) };
    else if (key === 'mechanism') out.mechanism = exception.mechanism;
    else out[key] = redactor.text(exception[key]!);
  }
  return out;
}

function redactFrames(frames: readonly SentryFrame[], redactor: Redactor): SentryFrame[] {
  return packedMap(frames, (frame) => redactor.value(frame as unknown as JsonValue) as unknown as SentryFrame);
}

function walkWhole(event: SentryEvent, redactor: Redactor): SentryEvent {
  return redactor.value(event as unknown as JsonValue) as unknown as SentryEvent;
}

function hasOnly(value: object, fields: ReadonlySet<string>): boolean {
  for (const key in value) if (!fields.has(key)) return false;
  return true;
}
