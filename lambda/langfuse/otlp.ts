/**
 * The slice of OTLP/HTTP JSON (opentelemetry-proto `ExportTraceServiceRequest`, JSON mapping) this forwarder
 * writes: ids as lower-case hex, times as Unix-nanosecond decimal strings, enums as integers, attribute values as
 * `AnyValue` with exactly one of `stringValue` / `intValue` (decimal string) / `doubleValue` / `boolValue` /
 * `arrayValue`.
 */

export type OtlpAnyValue =
  | { readonly stringValue: string }
  | { readonly intValue: string }
  | { readonly doubleValue: number }
  | { readonly boolValue: boolean }
  | { readonly arrayValue: { readonly values: readonly OtlpAnyValue[] } };

export interface OtlpKeyValue {
  readonly key: string;
  readonly value: OtlpAnyValue;
}

/** Span kinds (`SpanKind` enum); an LLM call is a client call to the provider. */
export const SPAN_KIND_CLIENT = 3;
/** Status codes (`Status.StatusCode` enum). */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly OtlpKeyValue[];
  readonly status: { readonly code: number; readonly message?: string };
}

export interface OtlpScopeSpans {
  readonly scope: { readonly name: string; readonly version?: string };
  readonly spans: readonly OtlpSpan[];
}

export interface OtlpResourceSpans {
  readonly resource: { readonly attributes: readonly OtlpKeyValue[] };
  readonly scopeSpans: readonly OtlpScopeSpans[];
}

export interface OtlpExportRequest {
  readonly resourceSpans: readonly OtlpResourceSpans[];
}

export function stringAttribute(key: string, value: string): OtlpKeyValue {
  return { key, value: { stringValue: value } };
}

export function stringArrayAttribute(key: string, values: readonly string[]): OtlpKeyValue {
  return { key, value: { arrayValue: { values: values.map((stringValue) => ({ stringValue })) } } };
}

/** The instrumentation scope every span is sent under. */
export const FORWARDER_SCOPE = { name: 'central-logging.langfuse-forwarder', version: '1' } as const;
