/**
 * OpenTelemetry GenAI semantic-convention attributes (`gen_ai.*`) logged as JSON. Accepted shapes:
 * - a span printed by the Python SDK's ConsoleSpanExporter (`context.trace_id`, `start_time`, `attributes` object),
 * - an OTLP/JSON span (`traceId`, `startTimeUnixNano`, `attributes` as `[{key, value: {stringValue}}]`),
 * - a span printed by the JS SDK's ConsoleSpanExporter (`timestamp` and `duration` in microseconds),
 * - a flat object whose keys are the attributes themselves.
 * Per the conventions, `gen_ai.usage.input_tokens` includes the cache read/creation counts.
 */
import { LLM_FORMATS, type LlmError, type ParseResult } from '../llm-call';
import { callTimes, finiteCost, type ParseContext } from './envelope';
import {
  count,
  durationMsToNs,
  epochMsToNs,
  epochNsToNs,
  exclusiveUsage,
  firstCount,
  isoToNs,
  isRecord,
  num,
  record,
  tags,
  text,
  type JsonRecord,
} from './fields';
import type { ModelParameterValue } from '../llm-call';

const GEN_AI_PREFIX = 'gen_ai.';
const REQUEST_PREFIX = 'gen_ai.request.';
/** Request attributes that are the model's name, not a parameter. */
const NOT_PARAMETERS = ['gen_ai.request.model'];
/** OTLP's span status code for an error (enum value 2; JSON may spell it). */
const STATUS_ERROR = new Set<unknown>([2, 'STATUS_CODE_ERROR', 'ERROR', 'StatusCode.ERROR']);
/** Attribute arrays longer than this are not a span someone logged. */
const MAX_ATTRIBUTES = 1000;

export interface OtelSpanLine {
  readonly attributes: JsonRecord;
  readonly span: JsonRecord;
}

/** The span's attributes as a plain object, when they carry at least one `gen_ai.*` key. */
export function findOtelGenAi(line: JsonRecord): OtelSpanLine | undefined {
  const attributes = attributesOf(line['attributes']) ?? line;
  for (const key in attributes) {
    if (key.startsWith(GEN_AI_PREFIX)) return { attributes, span: line };
  }
  return undefined;
}

export function parseOtelGenAi(found: OtelSpanLine, context: ParseContext): ParseResult {
  const { attributes: a, span } = found;
  const model = text(a['gen_ai.response.model'], 200) ?? text(a['gen_ai.request.model'], 200);
  if (model === undefined) return { kind: 'skip', reason: 'gen_ai span without gen_ai.request.model or gen_ai.response.model' };
  const resource = attributesOf(record(span['resource'])?.['attributes']) ?? {};
  const context_ = record(span['context']);
  const error = spanError(span, a);
  return {
    kind: 'call',
    call: {
      format: LLM_FORMATS.otelGenAi,
      model,
      provider: text(a['gen_ai.provider.name'], 64) ?? text(a['gen_ai.system'], 64),
      ...spanTimes(span, context.eventTimeNs),
      traceId: text(context_?.['trace_id']) ?? text(span['traceId']) ?? text(span['trace_id']),
      sourceSpanId: text(context_?.['span_id']) ?? text(span['spanId']) ?? text(span['id']) ?? text(span['span_id']),
      requestId: text(a['gen_ai.response.id']),
      sessionId: text(a['session.id']) ?? text(a['gen_ai.conversation.id']),
      userId: text(a['user.id']) ?? text(a['enduser.id']),
      service: text(resource['service.name'], 128) ?? text(a['service.name'], 128),
      operation: text(span['name'], 200) ?? text(a['gen_ai.operation.name'], 64),
      environment:
        text(resource['deployment.environment.name'], 64) ??
        text(resource['deployment.environment'], 64) ??
        text(a['deployment.environment.name'], 64),
      release: text(resource['service.version'], 200),
      tags: tags(a['langfuse.trace.tags']),
      modelParameters: requestParameters(a),
      usage: exclusiveUsage({
        prompt: firstCount(a, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']),
        output: firstCount(a, ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']),
        cacheRead: firstCount(a, ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens']),
        cacheWrite: firstCount(a, ['gen_ai.usage.cache_creation.input_tokens', 'gen_ai.usage.cache_creation_input_tokens']),
        total: count(a['gen_ai.usage.total_tokens']),
        promptIncludesCache: true,
      }),
      costUsd: finiteCost(a['gen_ai.usage.cost']),
      statusCode: undefined,
      error,
      failed: error !== undefined,
      input: contentOf(a, ['gen_ai.input.messages', 'gen_ai.prompt'], a['gen_ai.system_instructions']),
      output: contentOf(a, ['gen_ai.output.messages', 'gen_ai.completion']),
      metadata: {
        otel_span_name: text(span['name'], 200),
        otel_parent_span_id: text(span['parent_id']) ?? text(span['parentSpanId']) ?? text(span['parentId']),
        gen_ai_operation: text(a['gen_ai.operation.name'], 64),
        finish_reasons: Array.isArray(a['gen_ai.response.finish_reasons'])
          ? joinStrings(a['gen_ai.response.finish_reasons'] as unknown[])
          : text(a['gen_ai.response.finish_reasons'], 200),
      },
    },
  };
}

/** The array's strings joined with commas, as `filter` then `join` would give, without the filtered copy. */
function joinStrings(values: readonly unknown[]): string {
  let joined = '';
  let first = true;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    joined = first ? value : `${joined},${value}`;
    first = false;
  }
  return joined;
}

/** Attributes as an object, or converted from OTLP/JSON `[{key, value}]`; anything else is not attributes. */
function attributesOf(value: unknown): JsonRecord | undefined {
  if (isRecord(value)) return value;
  if (!Array.isArray(value) || value.length > MAX_ATTRIBUTES) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of value) {
    const entry = record(item);
    const key = text(entry?.['key']);
    if (key !== undefined) out[key] = anyValue(entry?.['value']);
  }
  return out;
}

/** OTLP AnyValue (`stringValue`, `intValue` as a string, `arrayValue.values`, ...) to plain JSON. */
function anyValue(value: unknown, depth = 0): unknown {
  const v = record(value);
  if (v === undefined || depth > 8) return undefined;
  if ('stringValue' in v) return v['stringValue'];
  if ('intValue' in v) return num(v['intValue']);
  if ('doubleValue' in v) return num(v['doubleValue']);
  if ('boolValue' in v) return v['boolValue'] === true;
  if ('arrayValue' in v) {
    const values = record(v['arrayValue'])?.['values'];
    return Array.isArray(values) ? values.map((item) => anyValue(item, depth + 1)) : [];
  }
  if ('kvlistValue' in v) {
    const values = record(v['kvlistValue'])?.['values'];
    return Array.isArray(values) ? attributesOf(values.slice(0, MAX_ATTRIBUTES)) : {};
  }
  return undefined;
}

function spanTimes(span: JsonRecord, fallbackNs: bigint): { startNs: bigint; endNs: bigint } {
  const otlpStart = epochNsToNs(span['startTimeUnixNano']);
  if (otlpStart !== undefined) return callTimes({ startNs: otlpStart, endNs: epochNsToNs(span['endTimeUnixNano']) }, fallbackNs);
  const pythonStart = isoToNs(span['start_time']);
  if (pythonStart !== undefined) return callTimes({ startNs: pythonStart, endNs: isoToNs(span['end_time']) }, fallbackNs);
  // The JS ConsoleSpanExporter prints microseconds (start and duration).
  const micros = num(span['timestamp']);
  const jsStart = micros !== undefined && micros > 1e14 ? epochMsToNs(micros / 1000) : undefined;
  if (jsStart !== undefined) {
    const duration = num(span['duration']);
    return callTimes({ startNs: jsStart, durationNs: duration === undefined ? undefined : durationMsToNs(duration / 1000) }, fallbackNs);
  }
  return callTimes({}, fallbackNs);
}

function spanError(span: JsonRecord, a: JsonRecord): LlmError | undefined {
  const status = record(span['status']);
  const code = status?.['code'] ?? status?.['status_code'];
  const type = text(a['error.type'], 200);
  if (!STATUS_ERROR.has(code) && type === undefined) return undefined;
  const message = text(status?.['message'], 2000) ?? text(status?.['description'], 2000) ?? type ?? 'span status ERROR';
  return { type, message };
}

function requestParameters(a: JsonRecord): Record<string, ModelParameterValue> {
  const out: Record<string, ModelParameterValue> = {};
  const keys = Object.keys(a);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (!key.startsWith(REQUEST_PREFIX) || NOT_PARAMETERS.includes(key)) continue;
    const value = a[key];
    if (typeof value === 'number' || typeof value === 'boolean') out[key.slice(REQUEST_PREFIX.length)] = value;
    else if (typeof value === 'string') out[key.slice(REQUEST_PREFIX.length)] = value.slice(0, 200);
  }
  return out;
}

/** GenAI content attributes are JSON strings (or structured values); parsed when they parse. */
function contentOf(a: JsonRecord, keys: readonly string[], instructions?: unknown): unknown {
  for (const key of keys) {
    const value = a[key];
    if (value === undefined) continue;
    const parsed = typeof value === 'string' ? tryParse(value) : value;
    return instructions === undefined ? parsed : { system_instructions: tryParseAny(instructions), messages: parsed };
  }
  return instructions === undefined ? undefined : { system_instructions: tryParseAny(instructions) };
}

function tryParseAny(value: unknown): unknown {
  return typeof value === 'string' ? tryParse(value) : value;
}

function tryParse(value: string): unknown {
  const first = value.trimStart()[0];
  if (first !== '[' && first !== '{') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}
