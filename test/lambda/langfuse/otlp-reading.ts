import type { OtlpAnyValue, OtlpExportRequest, OtlpSpan } from '../../../lambda/langfuse/otlp';

/** A span's attributes as a plain object (strings, numbers, booleans, arrays). */
export function attributesOf(span: Pick<OtlpSpan, 'attributes'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of span.attributes) out[key] = plain(value);
  return out;
}

function plain(value: OtlpAnyValue): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  return value.arrayValue.values.map(plain);
}

export function spansOf(request: OtlpExportRequest): OtlpSpan[] {
  return request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
}
