/**
 * The payload the pipeline carries from `prepare` to `deliver` (and parks in the retry queue as JSON): one span,
 * serialised once, with the resource it belongs to. Serialising at redact time gives its exact size for chunking,
 * and an export body is then a concatenation of ready spans.
 */

export interface LangfusePayload {
  /** `service.name` of the span's resource. */
  readonly serviceName: string;
  readonly traceId: string;
  readonly spanId: string;
  /** The OTLP span as JSON text. */
  readonly spanJson: string;
}

/**
 * UTF-8 sizes already measured, per payload: the destination measures each span against the span bound, chunking
 * and the body writer need it again. Kept beside the payload, not in it, so the parked shape does not change.
 */
const measuredBytes = new WeakMap<LangfusePayload, number>();

/** Size of the span in the request body. */
export function spanBytes(payload: LangfusePayload): number {
  let bytes = measuredBytes.get(payload);
  if (bytes === undefined) {
    bytes = Buffer.byteLength(payload.spanJson, 'utf8');
    measuredBytes.set(payload, bytes);
  }
  return bytes;
}

/** A payload read back from the retry queue is trusted only if it still has this shape. */
export function isLangfusePayload(value: unknown): value is LangfusePayload {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['serviceName'] === 'string' &&
    typeof v['traceId'] === 'string' &&
    typeof v['spanId'] === 'string' &&
    typeof v['spanJson'] === 'string'
  );
}

export function payloadId(payload: LangfusePayload): string {
  return `${payload.traceId}/${payload.spanId}`;
}
