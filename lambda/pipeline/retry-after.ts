/**
 * Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns the wait in milliseconds, or
 * undefined when the header is absent or unreadable (the caller then backs off on its own).
 */
export function parseRetryAfter(header: string | undefined | null, now: number = Date.now()): number | undefined {
  if (header === undefined || header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
