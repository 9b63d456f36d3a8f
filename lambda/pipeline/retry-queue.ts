import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MAX_DECOMPRESSED_BYTES } from './decode';
import { utf8HeapText } from './heap-text';
import { readFailedInvocationRecord, type FailedInvocation } from './failed-invocation-record';
import type { LogEventFields } from './types';
import { describeError, isRecord } from './unknown-values';

/**
 * The retry queue: what could not be delivered in time is parked in SQS with the reason, and the same function reads
 * it back (SQS event source, partial batch responses). A parked message is one of:
 * - `payload`: a prepared, redacted destination payload (e.g. a Sentry event) that only needs sending again;
 * - `event`: one log event whose preparation failed, redacted (re-prepared on the next receive);
 * - `raw`: a subscription payload that could not be decoded, kept as received for a human or a fixed decoder.
 * Redriven from the dead-letter queue, Lambda's record of a failed invocation is read as its batch parked `raw`
 * (failed-invocation-record.ts).
 */

/** SQS limits (SendMessageBatch): 10 entries and 1 MiB per batch, 1 MiB per message (the queue's default maximum). */
export const SQS_MAX_BATCH_ENTRIES = 10;
export const SQS_MAX_BATCH_BYTES = 1024 * 1024;
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;
/** SQS's longest per-message delay; a longer Retry-After is served by further receives. */
export const SQS_MAX_DELAY_SECONDS = 900;
/** Room for the envelope fields around a split part. */
const PART_OVERHEAD_BYTES = 1024;

export const PARKED_FORMAT_VERSION = 1;

export type ParkedItem<P> =
  | { readonly kind: 'payload'; readonly payload: P }
  /** Redacted like any payload that leaves the function; re-prepared from its message when read back. */
  | { readonly kind: 'event'; readonly event: LogEventFields }
  | { readonly kind: 'raw'; readonly data: string };

export interface ParkedMessage<P> {
  readonly v: typeof PARKED_FORMAT_VERSION;
  readonly destination: string;
  readonly reason: string;
  /** Deliveries tried so far, across invocations. */
  readonly attempt: number;
  readonly parkedAt: string;
  readonly item: ParkedItem<P>;
}

export interface ParkRequest<P> {
  readonly message: ParkedMessage<P>;
  /** Delay the message this long (a receiver's Retry-After), capped by SQS. */
  readonly delayMs?: number;
}

export interface ParkOutcome<P> {
  readonly parked: number;
  readonly failed: ReadonlyArray<{ readonly request: ParkRequest<P>; readonly reason: string }>;
}

export interface RetryQueue {
  park<P>(requests: readonly ParkRequest<P>[]): Promise<ParkOutcome<P>>;
}

/** A body that is too large even gzipped travels in parts; parts cannot be re-delivered, only inspected. */
export interface ParkedPart {
  readonly v: typeof PARKED_FORMAT_VERSION;
  readonly encoding: 'part';
  readonly destination: string;
  readonly reason: string;
  readonly partOf: string;
  readonly index: number;
  readonly count: number;
  readonly data: string;
}

interface GzippedBody {
  readonly v: typeof PARKED_FORMAT_VERSION;
  readonly encoding: 'gzip-base64';
  readonly data: string;
}

/**
 * SQS accepts only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF. JSON.stringify already escapes control
 * characters and lone surrogates; U+FFFE and U+FFFF are the two it leaves, so escape them as JSON does the rest.
 */
export function toSqsSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The SQS bodies for one parked message: itself, gzipped when too large, or in parts when even that is too large. */
export function encodeParkedMessage<P>(message: ParkedMessage<P>, limitBytes = SQS_MAX_MESSAGE_BYTES): string[] {
  const plain = toSqsSafeJson(message);
  if (Buffer.byteLength(plain, 'utf8') <= limitBytes) return [plain];
  const gzipped = toSqsSafeJson({ v: PARKED_FORMAT_VERSION, encoding: 'gzip-base64', data: gzipSync(plain).toString('base64') } satisfies GzippedBody);
  if (gzipped.length <= limitBytes) return [gzipped];
  const data = (JSON.parse(gzipped) as GzippedBody).data;
  const chunk = limitBytes - PART_OVERHEAD_BYTES - Buffer.byteLength(message.reason, 'utf8') - message.destination.length;
  const count = Math.ceil(data.length / chunk);
  const partOf = randomUUID();
  return Array.from({ length: count }, (_, index) =>
    toSqsSafeJson({
      v: PARKED_FORMAT_VERSION,
      encoding: 'part',
      destination: message.destination,
      reason: message.reason,
      partOf,
      index,
      count,
      data: data.slice(index * chunk, (index + 1) * chunk),
    } satisfies ParkedPart),
  );
}

export type ReadParked<P> =
  | { readonly ok: true; readonly message: ParkedMessage<P> }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads a body of a forwarder's retry queue, never throwing: a parked message, or (redriven from the dead-letter
 * queue) Lambda's record of a failed invocation of that forwarder, read as its subscription payload parked raw so the
 * whole batch is replayed.
 * @param maxInflatedBytes how far a gzipped body may inflate: the consuming function's batch limit
 */
export function readRetryQueueBody<P>(body: string, destination: string, maxInflatedBytes: number = MAX_DECOMPRESSED_BYTES): ReadParked<P> & { readonly replaysFailedInvocation?: FailedInvocation } {
  const parsed = parseBody(body, maxInflatedBytes);
  if ('problem' in parsed) return { ok: false, reason: parsed.problem };
  const record = readFailedInvocationRecord(parsed.value);
  if (record.kind === 'not-a-record') return readParked<P>(parsed.value);
  if (record.kind === 'not-replayable') return { ok: false, reason: record.reason };
  const { invocation } = record;
  const message: ParkedMessage<P> = {
    v: PARKED_FORMAT_VERSION,
    destination,
    reason: `invocation ${invocation.requestId} failed (${invocation.condition})`,
    attempt: invocation.invokeCount,
    parkedAt: invocation.failedAt,
    item: { kind: 'raw', data: invocation.data },
  };
  return { ok: true, message, replaysFailedInvocation: invocation };
}

function parseBody(body: string, maxInflatedBytes: number): { value: unknown } | { problem: string } {
  try {
    const value: unknown = JSON.parse(body);
    if (isRecord(value) && value.encoding === 'gzip-base64' && typeof value.data === 'string') {
      // Whoever may send to the queue could send a gzip bomb: the limit of the function's memory, as for a batch.
      return { value: JSON.parse(utf8HeapText(gunzipSync(Buffer.from(value.data, 'base64'), { maxOutputLength: maxInflatedBytes }))) };
    }
    return { value };
  } catch (error) {
    return { problem: `unreadable parked message: ${describeError(error)}` };
  }
}

function readParked<P>(value: unknown): ReadParked<P> {
  if (!isRecord(value)) return { ok: false, reason: 'parked message is not an object' };
  if (value.encoding === 'part') return { ok: false, reason: `part ${String(value.index)} of ${String(value.count)} of an oversized message; inspect by hand` };
  if (value.v !== PARKED_FORMAT_VERSION) return { ok: false, reason: `unknown parked format version ${String(value.v)}` };
  const item = value.item;
  if (typeof value.destination !== 'string' || typeof value.reason !== 'string' || typeof value.attempt !== 'number' || !isRecord(item)) {
    return { ok: false, reason: 'parked message lacks destination, reason, attempt or item' };
  }
  const valid =
    (item.kind === 'payload' && 'payload' in item) ||
    (item.kind === 'event' && isRecord(item.event) && typeof item.event.message === 'string') ||
    (item.kind === 'raw' && typeof item.data === 'string');
  return valid ? { ok: true, message: value as unknown as ParkedMessage<P> } : { ok: false, reason: `parked item of unknown kind ${String(item.kind)}` };
}

export interface SqsEntry {
  readonly Id: string;
  readonly MessageBody: string;
  readonly DelaySeconds?: number;
}

/** Groups entries into SendMessageBatch calls within SQS's entry and byte limits. */
export function toBatches<E extends SqsEntry>(entries: readonly E[]): E[][] {
  const batches: E[][] = [];
  let current: E[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody, 'utf8');
    if (current.length === SQS_MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > SQS_MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function delaySecondsFor(delayMs: number | undefined): number | undefined {
  if (delayMs === undefined || delayMs <= 0) return undefined;
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.ceil(delayMs / 1000));
}

/** What the SQS client needs to do for us; the real one is `@aws-sdk/client-sqs`, loaded on first use. */
export type SendBatch = (
  queueUrl: string,
  entries: readonly SqsEntry[],
) => Promise<{ readonly failedIds: ReadonlyArray<{ readonly id: string; readonly reason: string }> }>;

/** Entries SQS refused for a reason on its side (throttling, internal error) get this many more tries. */
const ENTRY_RETRIES = 2;

export function createSqsRetryQueue(queueUrl: string, send: SendBatch = sendWithAwsSdk): RetryQueue {
  return {
    async park<P>(requests: readonly ParkRequest<P>[]): Promise<ParkOutcome<P>> {
      const entries: Array<SqsEntry & { readonly request: number }> = [];
      requests.forEach((request, index) => {
        const delay = delaySecondsFor(request.delayMs);
        for (const body of encodeParkedMessage(request.message)) {
          entries.push({ Id: String(entries.length), MessageBody: body, request: index, ...(delay ? { DelaySeconds: delay } : {}) });
        }
      });
      const lastFailure = new Map<string, string>();
      let pending: typeof entries = entries;
      for (let round = 0; round <= ENTRY_RETRIES && pending.length > 0; round++) {
        const stillFailing: typeof entries = [];
        for (const batch of toBatches(pending)) {
          const byId = new Map(batch.map((entry) => [entry.Id, entry]));
          try {
            const { failedIds } = await send(queueUrl, batch.map(({ Id, MessageBody, DelaySeconds }) => ({ Id, MessageBody, ...(DelaySeconds ? { DelaySeconds } : {}) })));
            for (const failure of failedIds) {
              const entry = byId.get(failure.id);
              if (!entry) continue;
              stillFailing.push(entry);
              lastFailure.set(entry.Id, failure.reason);
            }
          } catch (error) {
            for (const entry of batch) {
              stillFailing.push(entry);
              lastFailure.set(entry.Id, `SendMessageBatch failed: ${describeError(error)}`);
            }
          }
        }
        pending = stillFailing;
      }
      const failedRequests = new Map<number, string>();
      for (const entry of pending) failedRequests.set(entry.request, lastFailure.get(entry.Id) ?? 'not parked');
      const failed = [...failedRequests.entries()].map(([index, reason]) => ({ request: requests[index], reason }));
      return { parked: requests.length - failed.length, failed };
    },
  };
}

type SqsModule = typeof import('@aws-sdk/client-sqs');
let sqs: { module: SqsModule; client: InstanceType<SqsModule['SQSClient']> } | undefined;

/** The SDK is loaded on the first park only: most invocations never park, and loading it costs cold-start time. */
async function sendWithAwsSdk(queueUrl: string, entries: readonly SqsEntry[]) {
  if (!sqs) {
    const module = await import('@aws-sdk/client-sqs');
    sqs = { module, client: new module.SQSClient({}) };
  }
  const answer = await sqs.client.send(new sqs.module.SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...entries] }));
  return {
    failedIds: (answer.Failed ?? []).map((failure) => ({
      id: failure.Id ?? '',
      reason: `${failure.Code ?? 'Failed'}${failure.SenderFault ? ' (sender fault)' : ''}: ${failure.Message ?? ''}`,
    })),
  };
}
