/**
 * Sends spans to Langfuse's OTLP endpoint and reports, per span, whether it was delivered. Langfuse v4 does not
 * deduplicate spans, so the rules are built around "a delivered span is never sent again":
 * - 2xx: the whole chunk is delivered;
 * - 429 (honouring Retry-After), 502, 503, 504 and network errors: the same chunk is retried within the deadline;
 * - 400 / 413: Langfuse rejected the whole export and kept nothing, so the chunk is split in halves and each half
 *   sent again, which isolates the bad spans; a single span that is still rejected is parked with the reason;
 * - 401 / 403: the credentials are wrong; nothing more is sent this invocation, everything is parked, loudly;
 * - anything else: the chunk is parked with the status as the reason.
 * Uses the pipeline's keep-alive POST and its backoff-with-jitter retry loop; bodies arrive gzipped from chunking.
 */
import type { HttpAnswer, HttpPost } from '../pipeline/http';
import { NetworkError } from '../pipeline/http';
import type { Logger } from '../pipeline/logger';
import { mapWithConcurrency } from '../pipeline/concurrency';
import { parseRetryAfter } from '../pipeline/retry-after';
import { DEFAULT_RETRY_POLICY, withRetries, type AttemptOutcome, type RetryPolicy, type RetryTools } from '../pipeline/retry';
import type { Deadline, DeliveryFailure, DeliveryReport } from '../pipeline/types';
import { describeError } from '../pipeline/unknown-values';
import { buildChunks, DEFAULT_CHUNK_LIMITS, encodeWithin, type ChunkLimits } from './export-chunks';
import type { LangfusePayload } from './payload';

/** Langfuse's OTLP/HTTP traces path under the base URL. */
export const OTLP_TRACES_PATH = '/api/public/otel/v1/traces';
/** Selects Langfuse's real-time v4 ingestion path. */
export const INGESTION_VERSION_HEADER = 'x-langfuse-ingestion-version';
export const INGESTION_VERSION = '4';
/** Langfuse asks custom exporters to name themselves (attribution and SDK status only; no effect on processing). */
export const SDK_HEADERS = { 'x-langfuse-sdk-name': 'central-logging-forwarder', 'x-langfuse-sdk-version': '1' } as const;

/**
 * The pipeline's retry policy with a longer attempt timeout: an answer cut off by our own timeout may still have
 * been ingested, and re-sending it would double the spans (Langfuse v4 does not deduplicate), so a slow Langfuse
 * is waited for rather than retried. Each attempt is still bounded by the invocation's remaining time.
 */
export const LANGFUSE_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attemptTimeoutMs: 30_000 };

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Statuses meaning "this export as a whole was refused and nothing was kept": split it to find the bad spans. */
const SPLIT_STATUSES = new Set([400, 413]);
const AUTH_STATUSES = new Set([401, 403]);
/** How much of a rejection body goes into a park reason (Langfuse explains the bad span there). */
const MAX_REASON_BODY_CHARS = 300;

export interface ExporterOptions {
  readonly endpoint: URL;
  /** `Basic base64(public:secret)`; resolved once per delivery (the secret loads lazily). */
  readonly authorization: () => Promise<string>;
  readonly post: (request: HttpPost) => Promise<HttpAnswer>;
  readonly retryPolicy: RetryPolicy;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly limits?: ChunkLimits;
  readonly retryTools?: RetryTools;
  /** Counts every HTTP request sent, for the forwarder's metrics. */
  readonly onRequest?: (status: number | 'network-error') => void;
}

/** The traces endpoint under a base URL, keeping any path prefix of a self-hosted install (`https://host/langfuse`). */
export function otlpTracesEndpoint(baseUrl: string): URL {
  return new URL(OTLP_TRACES_PATH.slice(1), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

type ChunkAnswer =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'split'; readonly reason: string }
  | { readonly kind: 'auth'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly retryable: boolean; readonly retryAfterMs?: number };

export async function exportSpans(
  payloads: readonly LangfusePayload[],
  deadline: Deadline,
  options: ExporterOptions,
): Promise<DeliveryReport<LangfusePayload>> {
  if (payloads.length === 0) return { delivered: 0, failed: [] };
  const failed: DeliveryFailure<LangfusePayload>[] = [];
  let delivered = 0;
  let authFailure: string | undefined;
  let authorization: string;
  try {
    authorization = await options.authorization();
  } catch (error) {
    const reason = `Langfuse credentials could not be loaded: ${describeError(error)}`;
    options.logger.error('LANGFUSE CREDENTIALS UNAVAILABLE: parking every span', { reason, spans: payloads.length });
    return { delivered: 0, failed: payloads.map((payload) => ({ payload, reason, retryable: true })) };
  }

  const limits = options.limits ?? DEFAULT_CHUNK_LIMITS;
  const headers = exportHeaders(authorization);
  const send = async (body: Buffer): Promise<ChunkAnswer> => {
    const result = await withRetries<ChunkAnswer>(
      (timeoutMs) => attempt(body, timeoutMs, headers, options),
      deadline,
      options.retryPolicy,
      options.retryTools,
    );
    if (result.ok) return result.value;
    return { kind: 'failed', reason: result.reason, retryable: result.retryable, retryAfterMs: result.retryAfterMs };
  };

  /** Sends a chunk; on a whole-export rejection, splits it and recurses into the halves. */
  const deliverChunk = async (chunk: readonly LangfusePayload[], body: Buffer): Promise<void> => {
    if (authFailure !== undefined) {
      for (const payload of chunk) failed.push({ payload, reason: authFailure, retryable: true });
      return;
    }
    const answer = await send(body);
    switch (answer.kind) {
      case 'delivered':
        delivered += chunk.length;
        return;
      case 'auth':
        if (authFailure === undefined) {
          authFailure = answer.reason;
          options.logger.error('LANGFUSE REJECTED THE CREDENTIALS: parking every span until the keys are fixed', {
            reason: answer.reason,
            endpoint: options.endpoint.origin,
          });
        }
        for (const payload of chunk) failed.push({ payload, reason: authFailure, retryable: true });
        return;
      case 'failed':
        for (const payload of chunk) {
          failed.push({ payload, reason: answer.reason, retryable: answer.retryable, ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}) });
        }
        return;
      case 'split': {
        if (chunk.length === 1) {
          // Sent alone and still refused: this span is what Langfuse rejects. Retrying it cannot help.
          failed.push({ payload: chunk[0]!, reason: `Langfuse rejected the span: ${answer.reason}`, retryable: false });
          return;
        }
        const middle = Math.ceil(chunk.length / 2);
        const halves = [chunk.slice(0, middle), chunk.slice(middle)];
        for (const half of halves) {
          for (const part of encodeWithin(half, limits.maxWireBytes)) await deliverChunk(part.payloads, part.body);
        }
        return;
      }
    }
  };

  const chunks = buildChunks(payloads, limits);
  await mapWithConcurrency(chunks, options.concurrency, (chunk) => deliverChunk(chunk.payloads, chunk.body));
  return { delivered, failed };
}

/** What every request of an export carries: the credentials, a gzipped OTLP/JSON body, the ingestion version. */
function exportHeaders(authorization: string): Readonly<Record<string, string>> {
  return {
    authorization,
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    [INGESTION_VERSION_HEADER]: INGESTION_VERSION,
    ...SDK_HEADERS,
  };
}

async function attempt(
  body: Buffer,
  timeoutMs: number,
  headers: Readonly<Record<string, string>>,
  options: ExporterOptions,
): Promise<AttemptOutcome<ChunkAnswer>> {
  let answer: HttpAnswer;
  try {
    answer = await options.post({
      url: options.endpoint,
      headers,
      body,
      timeoutMs,
      // The body is gzipped already, at the level and within the size bound chunking chose.
      gzipAboveBytes: Number.POSITIVE_INFINITY,
    });
  } catch (error) {
    options.onRequest?.('network-error');
    const reason = error instanceof NetworkError ? `network error ${error.code}: ${error.message}` : `network error: ${describeError(error)}`;
    return { kind: 'retry', reason };
  }
  options.onRequest?.(answer.status);
  return classify(answer);
}

/** What an HTTP answer means for the chunk that was sent. */
export function classify(answer: HttpAnswer): AttemptOutcome<ChunkAnswer> {
  const { status } = answer;
  const reason = `HTTP ${status}${answer.body ? `: ${answer.body.slice(0, MAX_REASON_BODY_CHARS)}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'done', value: { kind: 'delivered' } };
  if (RETRY_STATUSES.has(status)) return { kind: 'retry', reason, waitMs: parseRetryAfter(answer.headers['retry-after']) };
  if (SPLIT_STATUSES.has(status)) return { kind: 'done', value: { kind: 'split', reason } };
  if (AUTH_STATUSES.has(status)) return { kind: 'done', value: { kind: 'auth', reason } };
  // Not one of the statuses the issue lets us retry in place: park it; a server-side or routing fault may clear.
  return { kind: 'give-up', reason, retryable: status >= 500 || status === 404 || status === 408 };
}
