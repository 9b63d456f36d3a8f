import { getEnvelopeEndpointWithUrlEncodedAuth, isRateLimited, disabledUntil, makeDsn, updateRateLimits, type DsnComponents, type RateLimits } from '@sentry/core';
import { mapWithConcurrency } from '../pipeline/concurrency';
import { NetworkError, postWithKeepAlive, type HttpAnswer, type HttpPost } from '../pipeline/http';
import { DEFAULT_RETRY_POLICY, withRetries, type AttemptOutcome, type RetryPolicy, type RetryTools } from '../pipeline/retry';
import type { Deadline, DeliveryFailure, DeliveryReport } from '../pipeline/types';
import { describeError } from '../pipeline/unknown-values';
import { EventEnvelopeWriter } from './event-envelope';
import { FORWARDER_SDK, type SentryEvent } from './sentry-event';

/**
 * Sends events to Sentry's envelope endpoint with the protocol helpers of `@sentry/core` (DSN parsing, envelopes,
 * rate limits), not `@sentry/node`, which would instrument the forwarder itself. One event per envelope, so one
 * refused event never takes others with it. Honours 429 with Retry-After and X-Sentry-Rate-Limits (also on a 200);
 * retries 5xx and network errors with backoff inside the deadline; never retries 400 or 413.
 */

/** The shape @sentry/core's dsnFromString accepts: protocol://publicKey[:secret]@host[:port]/[path/]projectId. */
const DSN_SHAPE = /^(?:\w+):\/\/(?:\w+)(?::\w*)?@[\w.-]+(?::\d+)?\/.+$/;

/** Sentry's data category for error events, as rate limits name it. */
const ERROR_CATEGORY = 'error';

const ENVELOPE_HEADERS = { 'content-type': 'application/x-sentry-envelope' } as const;

export interface SentryTransportOptions {
  /** The DSN, loaded lazily (KMS decrypt on first use); undefined when none is configured. */
  readonly dsn: () => Promise<string | undefined>;
  readonly concurrency: number;
  readonly policy?: RetryPolicy;
  readonly retryTools?: RetryTools;
  readonly post?: (request: HttpPost) => Promise<HttpAnswer>;
  readonly now?: () => number;
}

export interface SentryTransport {
  deliver(events: readonly SentryEvent[], deadline: Deadline): Promise<DeliveryReport<SentryEvent>>;
}

export function createSentryTransport(options: SentryTransportOptions): SentryTransport {
  const post = options.post ?? postWithKeepAlive;
  const now = options.now ?? Date.now;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  /** Rate limits outlive an invocation: a warm container keeps honouring them. */
  let limits: RateLimits = {};

  const sendOne = async (event: SentryEvent, endpoint: URL, deadline: Deadline): Promise<DeliveryFailure<SentryEvent> | undefined> => {
    const envelope = new EventEnvelopeWriter(event);
    const attempt = async (timeoutMs: number): Promise<AttemptOutcome<true>> => {
      if (isRateLimited(limits, ERROR_CATEGORY, now())) {
        return { kind: 'retry', reason: 'rate limited by Sentry', waitMs: Math.max(0, disabledUntil(limits, ERROR_CATEGORY) - now()) };
      }
      let answer: HttpAnswer;
      try {
        answer = await post({ url: endpoint, headers: ENVELOPE_HEADERS, body: envelope.serialize(new Date(now()).toISOString()), timeoutMs });
      } catch (error) {
        const code = error instanceof NetworkError ? error.code : 'ENETWORK';
        return { kind: 'retry', reason: `network error (${code})` };
      }
      const headers = { 'x-sentry-rate-limits': answer.headers['x-sentry-rate-limits'] ?? null, 'retry-after': answer.headers['retry-after'] ?? null };
      limits = updateRateLimits(limits, { statusCode: answer.status, headers }, now());
      return outcomeOf(answer.status, () => Math.max(0, disabledUntil(limits, ERROR_CATEGORY) - now()));
    };
    const result = await withRetries(attempt, deadline, policy, options.retryTools);
    return result.ok ? undefined : { payload: event, reason: result.reason, retryable: result.retryable, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
  };

  return {
    async deliver(events, deadline) {
      if (events.length === 0) return { delivered: 0, failed: [] };
      const endpoint = await endpointFor(options.dsn).catch((error: unknown) => ({ problem: `Sentry DSN unavailable: ${describeError(error)}` }));
      if ('problem' in endpoint) return { delivered: 0, failed: events.map((payload) => ({ payload, reason: endpoint.problem, retryable: true })) };
      const failures = await mapWithConcurrency(events, options.concurrency, (event) => sendOne(event, endpoint.url, deadline));
      const failed = failures.filter((failure): failure is DeliveryFailure<SentryEvent> => failure !== undefined);
      return { delivered: events.length - failed.length, failed };
    },
  };
}

/** What one Sentry answer means for the event. */
export function outcomeOf(status: number, limitedForMs: () => number): AttemptOutcome<true> {
  if (status >= 200 && status < 300) return { kind: 'done', value: true };
  if (status === 429) return { kind: 'retry', reason: 'HTTP 429 from Sentry', waitMs: limitedForMs() };
  if (status === 400 || status === 413) return { kind: 'give-up', reason: `HTTP ${status} from Sentry: event refused`, retryable: false };
  if (status >= 500 || status === 408) return { kind: 'retry', reason: `HTTP ${status} from Sentry` };
  // 401/403/404: a wrong DSN or a disabled project; retrying now will not help, a fix and a redrive will.
  return { kind: 'give-up', reason: `HTTP ${status} from Sentry`, retryable: true };
}

async function endpointFor(dsn: () => Promise<string | undefined>): Promise<{ url: URL } | { problem: string }> {
  const value = await dsn();
  if (!value) return { problem: 'no Sentry DSN configured' };
  // makeDsn prints an unparseable DSN with console.error; check the shape first so a typo never reaches the logs.
  if (!DSN_SHAPE.test(value)) return { problem: 'the Sentry DSN is not valid' };
  const components: DsnComponents | undefined = makeDsn(value);
  if (!components) return { problem: 'the Sentry DSN is not valid' };
  return { url: new URL(getEnvelopeEndpointWithUrlEncodedAuth(components, undefined, FORWARDER_SDK)) };
}
