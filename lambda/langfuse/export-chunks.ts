/**
 * Groups spans into OTLP export requests: one `resourceSpans` entry per service, at most MAX_SPANS_PER_EXPORT spans
 * and MAX_EXPORT_JSON_BYTES of JSON per request, gzipped to at most MAX_EXPORT_WIRE_BYTES (the 1 MB bound on what is
 * sent). The body is a concatenation of the spans' ready JSON, so its size is known before it is compressed.
 */
import { gzipSync } from 'node:zlib';
import { FORWARDER_SCOPE } from './otlp';
import { spanBytes, type LangfusePayload } from './payload';

/** Largest request as sent (gzipped): the 1 MB bound per export. */
export const MAX_EXPORT_WIRE_BYTES = 1024 * 1024;
/**
 * Largest request JSON before compression. OTLP/JSON is verbose (a 1 KB log line becomes a ~3 KB span) and
 * compresses about ten to one; 4 MiB keeps a typical gzipped chunk well under the wire bound while letting 1,000
 * spans share one request, and stays far below Langfuse's own decompressed-body limit (16 MiB and up).
 */
export const MAX_EXPORT_JSON_BYTES = 4 * 1024 * 1024;
/** Most spans per request; keeps one rejected export (and its split-and-retry) bounded. */
export const MAX_SPANS_PER_EXPORT = 1000;
/** gzip level 1: a tenth of the JSON's size at a fraction of the default level's CPU. */
export const GZIP_LEVEL = 1;

export interface ExportChunk {
  readonly payloads: readonly LangfusePayload[];
  /** The gzipped request body. */
  readonly body: Buffer;
}

export interface ChunkLimits {
  readonly maxJsonBytes: number;
  readonly maxWireBytes: number;
  readonly maxSpans: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = {
  maxJsonBytes: MAX_EXPORT_JSON_BYTES,
  maxWireBytes: MAX_EXPORT_WIRE_BYTES,
  maxSpans: MAX_SPANS_PER_EXPORT,
};

const SCOPE_JSON = JSON.stringify(FORWARDER_SCOPE);
const BODY_OPEN = '{"resourceSpans":[';
const BODY_CLOSE = ']}';

function resourceOpen(serviceName: string): string {
  return `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":${JSON.stringify(serviceName)}}}]},"scopeSpans":[{"scope":${SCOPE_JSON},"spans":[`;
}
const RESOURCE_CLOSE = ']}]}';

/** Bytes a resource wrapper adds around its spans (plus the comma between resources). */
function resourceOverhead(serviceName: string): number {
  return Buffer.byteLength(resourceOpen(serviceName), 'utf8') + RESOURCE_CLOSE.length + 1;
}

/** The body for a set of spans, grouped by service, as text. */
export function exportBody(payloads: readonly LangfusePayload[]): string {
  return exportBodyBytes(payloads).toString('utf8');
}

/**
 * The body for a set of spans, grouped by service, written once into a buffer of its exact size: the spans' sizes
 * are already known, so there is no joined string to build and copy to UTF-8 again.
 */
export function exportBodyBytes(payloads: readonly LangfusePayload[]): Buffer {
  return writeExportBody(payloads, (size) => Buffer.allocUnsafe(size));
}

/** Writes the body into the buffer `bufferOf` gives for its size. */
function writeExportBody(payloads: readonly LangfusePayload[], bufferOf: (size: number) => Buffer): Buffer {
  const resources = [...groupByService(payloads)].map(([serviceName, spans]) => ({ open: resourceOpen(serviceName), spans }));
  let size = BODY_OPEN.length + Math.max(resources.length - 1, 0) + BODY_CLOSE.length;
  for (const { open, spans } of resources) {
    size += Buffer.byteLength(open, 'utf8') + spans.length - 1 + RESOURCE_CLOSE.length;
    for (const payload of spans) size += spanBytes(payload);
  }
  const body = bufferOf(size);
  let at = body.write(BODY_OPEN, 0, 'latin1');
  resources.forEach(({ open, spans }, resource) => {
    if (resource > 0) at += body.write(',', at, 'latin1');
    at += body.write(open, at, 'utf8');
    spans.forEach((payload, span) => {
      if (span > 0) at += body.write(',', at, 'latin1');
      at += writeSpan(body, at, payload);
    });
    at += body.write(RESOURCE_CLOSE, at, 'latin1');
  });
  at += body.write(BODY_CLOSE, at, 'latin1');
  // The size is computed from the same parts; a mismatch would send stale or uninitialised memory.
  if (at !== size || body.length !== size) throw new Error(`export body is ${at} bytes, sized for ${size}`);
  return body;
}

/** Writes a span's JSON at `at`; all-ASCII text (as many bytes as characters) is copied as Latin-1, the fast path. */
function writeSpan(body: Buffer, at: number, payload: LangfusePayload): number {
  const bytes = spanBytes(payload);
  return body.write(payload.spanJson, at, bytes, bytes === payload.spanJson.length ? 'latin1' : 'utf8');
}

/** The gzipped body for a set of spans. */
export function encodeBody(payloads: readonly LangfusePayload[]): Buffer {
  return gzipSync(writeExportBody(payloads, scratchBody), { level: GZIP_LEVEL });
}

/**
 * Where a body is written before it is gzipped (synchronously, so one buffer serves every chunk): reused, because
 * a fresh multi-MB buffer is fresh memory that page-faults in on every export. At most MAX_EXPORT_JSON_BYTES is
 * kept; a larger body (one oversized span) gets a buffer of its own.
 */
let scratch = Buffer.alloc(0);

function scratchBody(size: number): Buffer {
  if (size > MAX_EXPORT_JSON_BYTES) return Buffer.allocUnsafe(size);
  if (scratch.length < size) scratch = Buffer.allocUnsafe(MAX_EXPORT_JSON_BYTES);
  return scratch.subarray(0, size);
}

/**
 * Splits payloads into gzipped chunks within the limits: first by span count and JSON size, then any chunk whose
 * compressed body is still over the wire bound (incompressible content) is halved until it fits. A single span
 * over the bound still gets a chunk of its own (the destination keeps spans far below it; this only guards a
 * broken invariant).
 */
export function buildChunks(payloads: readonly LangfusePayload[], limits: ChunkLimits = DEFAULT_CHUNK_LIMITS): ExportChunk[] {
  return groupByJsonSize(payloads, limits).flatMap((group) => encodeWithin(group, limits.maxWireBytes));
}

/** Encodes a group, halving it while its compressed body is over `maxWireBytes`. */
export function encodeWithin(payloads: readonly LangfusePayload[], maxWireBytes: number): ExportChunk[] {
  const body = encodeBody(payloads);
  if (body.length <= maxWireBytes || payloads.length === 1) return [{ payloads, body }];
  const middle = Math.ceil(payloads.length / 2);
  return [...encodeWithin(payloads.slice(0, middle), maxWireBytes), ...encodeWithin(payloads.slice(middle), maxWireBytes)];
}

function groupByJsonSize(payloads: readonly LangfusePayload[], limits: ChunkLimits): LangfusePayload[][] {
  const chunks: LangfusePayload[][] = [];
  let current: LangfusePayload[] = [];
  let bytes = BODY_OPEN.length + BODY_CLOSE.length;
  let services = new Set<string>();
  const flush = () => {
    if (current.length > 0) chunks.push(current);
    current = [];
    bytes = BODY_OPEN.length + BODY_CLOSE.length;
    services = new Set();
  };
  for (const [serviceName, spans] of groupByService(payloads)) {
    const overhead = resourceOverhead(serviceName);
    for (const payload of spans) {
      const size = spanBytes(payload) + 1;
      const cost = () => size + (services.has(serviceName) ? 0 : overhead);
      if (current.length > 0 && (current.length >= limits.maxSpans || bytes + cost() > limits.maxJsonBytes)) flush();
      bytes += cost();
      current.push(payload);
      services.add(serviceName);
    }
  }
  flush();
  return chunks;
}

function groupByService(payloads: readonly LangfusePayload[]): Map<string, LangfusePayload[]> {
  const groups = new Map<string, LangfusePayload[]>();
  for (const payload of payloads) {
    const group = groups.get(payload.serviceName);
    if (group === undefined) groups.set(payload.serviceName, [payload]);
    else group.push(payload);
  }
  return groups;
}
