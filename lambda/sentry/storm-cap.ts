import type { SentryEvent } from './sentry-event';

/**
 * Error storms: at most `maxPerFingerprint` events per fingerprint per invocation reach Sentry. The rest are not
 * dropped silently: their number is added to the last event sent for that fingerprint as `extra.suppressed`, and
 * the pipeline counts them in the Suppressed metric.
 */
export function capPerFingerprint(events: readonly SentryEvent[], maxPerFingerprint: number): SentryEvent[] {
  const sent = new Map<string, { count: number; lastIndex: number; suppressed: number; lastSuppressedAt: number }>();
  const kept: SentryEvent[] = [];
  for (const event of events) {
    const key = event.fingerprint.join('\u0000');
    const seen = sent.get(key);
    if (!seen) {
      sent.set(key, { count: 1, lastIndex: kept.push(event) - 1, suppressed: 0, lastSuppressedAt: 0 });
    } else if (seen.count < maxPerFingerprint) {
      seen.count++;
      seen.lastIndex = kept.push(event) - 1;
    } else {
      seen.suppressed++;
      seen.lastSuppressedAt = Math.max(seen.lastSuppressedAt, event.timestamp);
    }
  }
  for (const { lastIndex, suppressed, lastSuppressedAt } of sent.values()) {
    if (suppressed === 0) continue;
    const last = kept[lastIndex];
    kept[lastIndex] = { ...last, extra: { ...last.extra, suppressed, suppressed_until: new Date(lastSuppressedAt * 1000).toISOString() } };
  }
  return kept;
}
