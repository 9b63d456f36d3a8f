/**
 * The slice of OTLP/HTTP JSON (opentelemetry-proto `ExportTraceServiceRequest`, JSON mapping) this forwarder
 * writes: ids as lower-case hex, times as Unix-nanosecond decimal strings, enums as integers, attribute values as
 * `AnyValue` with exactly one of `stringValue` / `intValue` (decimal string) / `doubleValue` / `boolValue` /
 * `arrayValue`.
 */

import type { OtlpAttributeKey } from './otlp-span-json';

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

/** A span's fields before its attributes, in the order OTLP/JSON writes them. */
export interface OtlpSpanHead {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
}

export interface OtlpStatus {
  readonly code: number;
  readonly message?: string;
}

export interface OtlpSpan extends OtlpSpanHead {
  readonly attributes: readonly OtlpKeyValue[];
  readonly status: OtlpStatus;
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

/**
 * What the span mapper writes one span into: its attributes in order, then the span itself. The mapping is written
 * once against this; `OtlpSpanBuilder` gives the typed object (tests read it), the JSON writer (`otlp-span-json.ts`)
 * gives the text that is sent, and tests hold the two to the same JSON.
 */
export interface OtlpSpanSink<Span> {
  stringAttribute(key: OtlpAttributeKey, value: string): void;
  /** The same, for a value that recurs from span to span (environment, model, log stream): a writer may keep it. */
  recurringStringAttribute(key: OtlpAttributeKey, value: string): void;
  stringArrayAttribute(key: OtlpAttributeKey, values: readonly string[]): void;
  /** A string attribute whose value is the JSON of a flat record of numbers (usage and cost details). */
  numbersAttribute(key: OtlpAttributeKey, numbers: Readonly<Record<string, number | undefined>>): void;
  span(head: OtlpSpanHead, status: OtlpStatus): Span;
}

/** The span as a typed object, fields in the order JSON.stringify will write them. */
export class OtlpSpanBuilder implements OtlpSpanSink<OtlpSpan> {
  readonly #attributes: OtlpKeyValue[] = [];

  stringAttribute(key: OtlpAttributeKey, value: string): void {
    this.#attributes.push({ key: key.name, value: { stringValue: value } });
  }

  recurringStringAttribute(key: OtlpAttributeKey, value: string): void {
    this.stringAttribute(key, value);
  }

  stringArrayAttribute(key: OtlpAttributeKey, values: readonly string[]): void {
    this.#attributes.push({ key: key.name, value: { arrayValue: { values: values.map((stringValue) => ({ stringValue })) } } });
  }

  numbersAttribute(key: OtlpAttributeKey, numbers: Readonly<Record<string, number | undefined>>): void {
    this.stringAttribute(key, JSON.stringify(numbers));
  }

  span(head: OtlpSpanHead, status: OtlpStatus): OtlpSpan {
    return {
      traceId: head.traceId,
      spanId: head.spanId,
      name: head.name,
      kind: head.kind,
      startTimeUnixNano: head.startTimeUnixNano,
      endTimeUnixNano: head.endTimeUnixNano,
      attributes: this.#attributes,
      status: status.message === undefined ? { code: status.code } : { code: status.code, message: status.message },
    };
  }
}

/** The instrumentation scope every span is sent under. */
export const FORWARDER_SCOPE = { name: 'central-logging.langfuse-forwarder', version: '1' } as const;
