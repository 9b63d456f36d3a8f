import { gunzipSync } from 'node:zlib';
import { logEvent } from './log-event';
import { utf8HeapText } from './heap-text';
import type { SourceLogEvent } from './types';
import { describeError, isRecord, typeOf } from './unknown-values';

/**
 * Decodes a CloudWatch Logs subscription payload (`event.awslogs.data`: base64 of gzip of JSON). Never throws: a
 * payload it cannot read comes back as a typed failure with the reason, so the caller can park it.
 */

/**
 * The most any function inflates, whatever its memory: a guard against gzip bombs. What a function of a given memory
 * reads is `decompressedBytesLimit`.
 */
export const MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;
/**
 * Inflated batch bytes allowed per MiB of function memory. A batch is held whole while it is read, prepared and
 * delivered, so what a function can take grows with its heap (`--max-old-space-size` is half its memory). With every
 * error sent (no storm cap), 31 MiB at 256 MiB ended in V8's fatal out-of-memory; what a batch at this limit peaks at
 * under the forwarders' flags is measured in lambda/bundling.ts.
 */
const DECOMPRESSED_BYTES_PER_MEMORY_MIB = 32 * 1024;

/**
 * The largest inflated batch a function of `memoryMiB` reads (MAX_DECOMPRESSED_BYTES when its memory is unknown,
 * as outside Lambda). A larger one is parked as `too-large`, with the limit, instead of crashing the function with
 * none of its own logs written; a redrive after raising the function's memory reads it.
 */
export function decompressedBytesLimit(memoryMiB: number | undefined): number {
  if (memoryMiB === undefined) return MAX_DECOMPRESSED_BYTES;
  return Math.min(MAX_DECOMPRESSED_BYTES, memoryMiB * DECOMPRESSED_BYTES_PER_MEMORY_MIB);
}

/** zlib's smallest allowed chunk. */
const ZLIB_MIN_CHUNK_BYTES = 64;
/** zlib's default chunk, the least we ask for when the batch may be that large. */
const MIN_INFLATE_CHUNK_BYTES = 16 * 1024;
/** A trailer cannot make us allocate more than this up front; a larger batch inflates in further chunks. */
const MAX_INFLATE_CHUNK_BYTES = 8 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export type PolicyLevel = 'ACCOUNT_LEVEL_POLICY' | 'LOG_GROUP_LEVEL_POLICY' | string;

export interface DecodedBatch {
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: readonly string[];
  /** Set when the subscription is an account-level policy rather than a filter on the group. */
  readonly policyLevel?: PolicyLevel;
  /** A new array per decode, the caller's to consume (the forwarder clears each slot once the event is prepared). */
  readonly events: SourceLogEvent[];
}

export const DECODE_FAILURES = {
  notBase64: 'not-base64',
  notGzip: 'not-gzip',
  corruptGzip: 'corrupt-gzip',
  tooLarge: 'too-large',
  notJson: 'not-json',
  badShape: 'bad-shape',
} as const;
export type DecodeFailureReason = (typeof DECODE_FAILURES)[keyof typeof DECODE_FAILURES];

/**
 * Whether a payload that failed to decode waits for more memory rather than for a retry: a batch too large for this
 * function is read by no retry until its memory is raised, so it goes to the dead-letter queue for that redrive.
 */
export function needsMoreMemory(reason: string): boolean {
  return reason === DECODE_FAILURES.tooLarge;
}

export type DecodeResult =
  | { readonly ok: true; readonly kind: 'data'; readonly batch: DecodedBatch }
  | { readonly ok: true; readonly kind: 'control' }
  | { readonly ok: false; readonly reason: DecodeFailureReason; readonly detail: string };

/** @param maxDecompressedBytes the largest batch to inflate; @default MAX_DECOMPRESSED_BYTES */
export function decodeSubscriptionData(data: unknown, maxDecompressedBytes: number = MAX_DECOMPRESSED_BYTES): DecodeResult {
  if (typeof data !== 'string') return fail('notBase64', `data is ${typeOf(data)}, not a string`);
  const zipped = base64Bytes(data);
  if (!zipped) return fail('notBase64', 'data is not valid base64');
  if (zipped.length < 2 || zipped[0] !== GZIP_MAGIC[0] || zipped[1] !== GZIP_MAGIC[1]) {
    return fail('notGzip', 'data does not start with the gzip magic bytes');
  }
  let text: string;
  try {
    text = utf8HeapText(gunzipSync(zipped, { maxOutputLength: maxDecompressedBytes, chunkSize: inflateChunkBytes(zipped, maxDecompressedBytes) }));
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    return tooLarge
      ? fail('tooLarge', `inflates beyond ${maxDecompressedBytes} bytes`)
      : fail('corruptGzip', describeError(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail('notJson', describeError(error));
  }
  return readEnvelope(parsed);
}

/**
 * The bytes of a base64 payload (standard or URL-safe alphabet; whitespace, as in a line-wrapped payload, ignored),
 * or undefined when it is not base64. Buffer.from skips what is not base64 instead of failing, so an invalid
 * character shows as fewer bytes than the length promises: checking the length spares a regular-expression scan of
 * the whole payload (about 85 KB per 1 MB batch) on every valid one. Whitespace is removed only when that check fails.
 */
function base64Bytes(data: string): Buffer | undefined {
  const bytes = exactBase64Bytes(data);
  if (bytes) return bytes;
  const compact = data.replace(/\s+/g, '');
  return compact.length === data.length ? undefined : exactBase64Bytes(compact);
}

/** The decoded bytes when they are exactly as many as the text's length promises (four characters per three). */
function exactBase64Bytes(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === (text.length / 4) * 3 - padding ? bytes : undefined;
}

/**
 * One output chunk the size the gzip trailer announces (ISIZE: the inflated size mod 2^32) spares zlib's default
 * 16 KiB chunks and their final concatenation, about half the inflate's CPU on a 1 MB batch. The trailer is only a
 * hint: a wrong one costs extra chunks or an oversized buffer, never a wrong result, and the chunk is bounded.
 */
function inflateChunkBytes(zipped: Buffer, maxDecompressedBytes: number): number {
  const announced = zipped.length >= 18 ? zipped.readUInt32LE(zipped.length - 4) : 0;
  // Never more than the limit allows (one byte over is how zlib tells it was passed): a forged trailer cannot make
  // a small function allocate the largest chunk up front.
  const chunk = Math.min(Math.max(announced + 1, MIN_INFLATE_CHUNK_BYTES), MAX_INFLATE_CHUNK_BYTES, maxDecompressedBytes + 1);
  return Math.max(chunk, ZLIB_MIN_CHUNK_BYTES);
}

/** Reads the JSON CloudWatch sends; anything that is not its shape fails with what was wrong. */
function readEnvelope(parsed: unknown): DecodeResult {
  if (!isRecord(parsed)) return fail('badShape', `payload is ${typeOf(parsed)}, not an object`);
  if (parsed.messageType === 'CONTROL_MESSAGE') return { ok: true, kind: 'control' };
  if (parsed.messageType !== 'DATA_MESSAGE') return fail('badShape', 'messageType is not DATA_MESSAGE');
  const { owner, logGroup, logStream, logEvents, subscriptionFilters, policyLevel } = parsed;
  if (typeof owner !== 'string' || typeof logGroup !== 'string' || typeof logStream !== 'string') {
    return fail('badShape', 'owner, logGroup and logStream must be strings');
  }
  if (!Array.isArray(logEvents)) return fail('badShape', 'logEvents is not an array');
  const events: SourceLogEvent[] = [];
  // An indexed loop and one fields object per event: this runs for every line of every batch, mostly before V8 has
  // optimised it, where an entries() iterator and a spread cost an allocation or two per line.
  for (let index = 0; index < logEvents.length; index++) {
    const raw: unknown = logEvents[index];
    if (!isRecord(raw) || typeof raw.id !== 'string' || typeof raw.message !== 'string') {
      return fail('badShape', `logEvents[${index}] needs a string id and message`);
    }
    if (typeof raw.timestamp !== 'number' || !Number.isFinite(raw.timestamp)) {
      return fail('badShape', `logEvents[${index}].timestamp is not a number`);
    }
    events.push(
      logEvent({
        id: raw.id,
        timestamp: raw.timestamp,
        message: raw.message,
        extractedFields: raw.extractedFields === undefined ? undefined : readExtractedFields(raw.extractedFields),
        logGroup,
        logStream,
        account: owner,
      }),
    );
  }
  return {
    ok: true,
    kind: 'data',
    batch: {
      owner,
      logGroup,
      logStream,
      subscriptionFilters: Array.isArray(subscriptionFilters)
        ? subscriptionFilters.filter((name): name is string => typeof name === 'string')
        : [],
      ...(typeof policyLevel === 'string' ? { policyLevel } : {}),
      events,
    },
  };
}

/** CloudWatch sends extracted fields as strings; anything else is dropped rather than trusted. */
function readExtractedFields(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(value)) if (typeof field === 'string') fields[key] = field;
  return fields;
}

function fail(reason: keyof typeof DECODE_FAILURES, detail: string): DecodeResult {
  return { ok: false, reason: DECODE_FAILURES[reason], detail: detail.slice(0, 200) };
}
