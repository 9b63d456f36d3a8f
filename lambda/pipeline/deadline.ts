import type { Deadline } from './types';

/**
 * Time kept back from delivery for what must still happen after it: parking what failed (an SQS round trip with the
 * SDK's own retries) and writing metrics. Delivery stops this long before Lambda would stop the function.
 */
export const PARK_RESERVE_MS = 8_000;
/** On a short timeout keep at least this share of the time for delivery. */
const MIN_DELIVERY_SHARE = 0.5;

export function createDeadline(remainingMs: number, now: () => number = Date.now, reserveMs = PARK_RESERVE_MS): Deadline {
  const reserve = Math.min(reserveMs, remainingMs * (1 - MIN_DELIVERY_SHARE));
  const at = now() + Math.max(0, remainingMs - reserve);
  return { at, remainingMs: () => Math.max(0, at - now()) };
}
