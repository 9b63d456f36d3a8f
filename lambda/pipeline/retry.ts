import type { Deadline } from './types';

/**
 * Retries one delivery with exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"), never past the deadline: an attempt only starts when it can finish in time, and a wait that would
 * cross the deadline ends the loop so the caller can park the payload instead.
 */

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest single attempt (request timeout). */
  readonly attemptTimeoutMs: number;
  /** An attempt with less time than this left is not started. */
  readonly minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  attemptTimeoutMs: 10_000,
  minAttemptMs: 250,
};

export type AttemptOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  /** Try again; `waitMs` when the receiver said how long (Retry-After, rate limits). */
  | { readonly kind: 'retry'; readonly reason: string; readonly waitMs?: number }
  | { readonly kind: 'give-up'; readonly reason: string; readonly retryable: boolean; readonly retryAfterMs?: number };

export type RetryResult<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly reason: string; readonly retryable: boolean; readonly retryAfterMs?: number; readonly attempts: number };

export interface RetryTools {
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter: a uniform wait between 0 and the capped exponential step. */
export function fullJitterDelay(retryIndex: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

export async function withRetries<T>(
  attempt: (timeoutMs: number) => Promise<AttemptOutcome<T>>,
  deadline: Deadline,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  tools: RetryTools = {},
): Promise<RetryResult<T>> {
  const random = tools.random ?? Math.random;
  const wait = tools.sleep ?? sleep;
  let lastReason = 'no attempt made: no time left';
  let lastWaitHint: number | undefined;
  for (let attempts = 0; attempts < policy.maxAttempts; ) {
    const remaining = deadline.remainingMs();
    if (remaining < policy.minAttemptMs) {
      return { ok: false, reason: `${lastReason}; out of time`, retryable: true, retryAfterMs: lastWaitHint, attempts };
    }
    attempts++;
    const outcome = await attempt(Math.min(policy.attemptTimeoutMs, remaining));
    if (outcome.kind === 'done') return { ok: true, value: outcome.value, attempts };
    if (outcome.kind === 'give-up') {
      return { ok: false, reason: outcome.reason, retryable: outcome.retryable, retryAfterMs: outcome.retryAfterMs, attempts };
    }
    lastReason = outcome.reason;
    lastWaitHint = outcome.waitMs;
    if (attempts >= policy.maxAttempts) break;
    const delay = outcome.waitMs ?? fullJitterDelay(attempts - 1, policy, random);
    if (delay + policy.minAttemptMs > deadline.remainingMs()) {
      return { ok: false, reason: `${lastReason}; no time left to retry`, retryable: true, retryAfterMs: outcome.waitMs, attempts };
    }
    await wait(delay);
  }
  return { ok: false, reason: `${lastReason}; gave up after ${policy.maxAttempts} attempts`, retryable: true, retryAfterMs: lastWaitHint, attempts: policy.maxAttempts };
}
