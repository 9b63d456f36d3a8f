/**
 * The payload the pipeline carries from `prepare` to `deliver` (and parks in the retry queue as JSON): one span,
 * serialised once, with the resource it belongs to. Serialising at prepare time gives its exact size for chunking,
 * and an export body is then a concatenation of ready strings.
 */
import type { MappedSpan } from './span-mapper';

export interface LangfusePayload {
  /** `service.name` of the span's resource. */
  readonly serviceName: string;
  readonly traceId: string;
  readonly spanId: string;
  /** The OTLP span as JSON text. */
  readonly spanJson: string;
}

export function toPayload(mapped: MappedSpan): LangfusePayload {
  return {
    serviceName: mapped.serviceName,
    traceId: mapped.span.traceId,
    spanId: mapped.span.spanId,
    spanJson: JSON.stringify(mapped.span),
  };
}

/** Size of the span in the request body. */
export function spanBytes(payload: LangfusePayload): number {
  return Buffer.byteLength(payload.spanJson, 'utf8');
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
