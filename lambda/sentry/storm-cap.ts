import type { SentryEvent } from './sentry-event';

/**
 * Error storms: at most `maxPerFingerprint` events per fingerprint per batch reach Sentry. The rest are not dropped
 * silently: their number is added to the last event sent for that fingerprint as `extra.suppressed` (with the time
 * of the last one suppressed), and the pipeline counts them in the Suppressed metric. The decision is taken before
 * an event is built, so a storm costs a classification per line, not a full event.
 */
export interface StormCap {
  /** Starts a batch. */
  reset(): void;
  /** Whether one more event with this fingerprint may be sent; when not, it is counted. */
  admit(fingerprintKey: string, timestampSeconds: number): boolean;
  /** Remembers the event built for an admitted fingerprint (the last one carries the count). */
  sent(fingerprintKey: string, event: SentryEvent): void;
  /** The batch's events with the counts attached; ends the batch. */
  settle(events: readonly SentryEvent[]): SentryEvent[];
}

/**
 * Every field is there from the start, each with the kind of value it will hold (`lastSuppressedAt` a fractional
 * number of seconds): a field added or widened later changes the object's hidden class, and the optimised `admit`
 * that saw the first one is thrown away.
 */
class Tally {
  admitted = 0;
  suppressed = 0;
  /** Seconds; -Infinity until one is suppressed. */
  lastSuppressedAt = Number.NEGATIVE_INFINITY;
  last: SentryEvent | undefined = undefined;
}

export function fingerprintKey(fingerprint: readonly string[]): string {
  return fingerprint.join('\u0000');
}

export function createStormCap(maxPerFingerprint: number): StormCap {
  let tallies = new Map<string, Tally>();
  return {
    reset: () => {
      tallies = new Map();
    },
    admit: (key, timestampSeconds) => {
      let tally = tallies.get(key);
      if (!tally) {
        tally = new Tally();
        tallies.set(key, tally);
      }
      if (tally.admitted < maxPerFingerprint) {
        tally.admitted++;
        return true;
      }
      tally.suppressed++;
      tally.lastSuppressedAt = Math.max(tally.lastSuppressedAt, timestampSeconds);
      return false;
    },
    sent: (key, event) => {
      const tally = tallies.get(key);
      if (tally) tally.last = event;
    },
    settle: (events) => {
      const counted = new Map<SentryEvent, SentryEvent>();
      for (const { last, suppressed, lastSuppressedAt } of tallies.values()) {
        if (!last || suppressed === 0) continue;
        counted.set(last, { ...last, extra: { ...last.extra, suppressed, suppressed_until: new Date(lastSuppressedAt * 1000).toISOString() } });
      }
      tallies = new Map();
      return counted.size === 0 ? [...events] : events.map((event) => counted.get(event) ?? event);
    },
  };
}
