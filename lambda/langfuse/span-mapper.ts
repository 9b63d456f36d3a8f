/**
 * One normalised LLM call → one OTLP span that Langfuse reads as a `generation` observation. Trace-wide context
 * (trace name, user, session, environment, release, tags, trace metadata) goes on every span, because Langfuse v4
 * reads it from each span rather than from a root.
 */
import type { LlmPrice } from '../../lib/config/llm-prices';
import type { ForwarderContext } from '../pipeline/types';
import type { ContentFilter, ContentPolicy } from './content-policy';
import { boundedMemo } from '../pipeline/bounded-memo';
import { nsToMs } from './formats/fields';
import { spanIdFor, traceIdFor, type EventCoordinates } from './ids';
import { OBSERVATION_ATTRIBUTES as OBS, RESERVED_KEY_SEGMENTS, TRACE_ATTRIBUTES as TRACE, type ObservationLevel } from './langfuse-attributes';
import type { LlmCall } from './llm-call';
import { OtlpSpanBuilder, SPAN_KIND_CLIENT, STATUS_CODE, type OtlpSpan, type OtlpSpanHead, type OtlpSpanSink } from './otlp';
import { OtlpAttributeKey, otlpAttributeKeys, OtlpSpanJsonWriter } from './otlp-span-json';
import type { LangfusePayload } from './payload';
import { costDetails, usageDetails } from './usage-and-cost';
import { serviceOfLogGroup } from '../pipeline/log-group';

export interface SourceCoordinates extends EventCoordinates {
  readonly account: string;
}

export interface SpanMappingOptions {
  readonly prices: readonly LlmPrice[];
  readonly content: ContentFilter;
  /**
   * The trace id, when the caller derived it from the raw call (the call mapped here is the redacted one).
   * @default - derived from the call mapped here
   */
  readonly traceId?: string;
}

export interface MappedSpan {
  readonly span: OtlpSpan;
  /** `service.name` of the span's resource. */
  readonly serviceName: string;
}

/** Metadata limits: Langfuse metadata is for filtering, not storage. */
export const MAX_METADATA_KEYS = 64;
export const MAX_METADATA_KEY_LENGTH = 100;
export const MAX_METADATA_VALUE_CHARS = 2000;
export const MAX_STATUS_MESSAGE_CHARS = 1000;
/** Langfuse environments: lower-case alphanumerics, `-` and `_`, at most 40 characters, not starting with `langfuse`. */
export const MAX_ENVIRONMENT_LENGTH = 40;
export const DEFAULT_TRACE_NAME = 'llm-call';

/** The keys the mapper writes, made once (the metadata prefixes come along unused: those keys are made per name). */
const TRACE_KEY = otlpAttributeKeys(TRACE);
const OBS_KEY = otlpAttributeKeys(OBS);

/** The span as a typed object (what tests and readers inspect; `mapCallToPayload` writes the same span as text). */
export function mapCallToSpan(
  call: LlmCall,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
): MappedSpan {
  const serviceName = spanServiceName(call, source);
  const span = writeSpan(spanHead(call, source, options), call, serviceName, source, context, options, new OtlpSpanBuilder());
  return { span, serviceName };
}

/** The payload that is sent: the span written straight as OTLP/JSON, the same JSON as `mapCallToSpan`'s object. */
export function mapCallToPayload(
  call: LlmCall,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
): LangfusePayload {
  const serviceName = spanServiceName(call, source);
  const head = spanHead(call, source, options);
  const spanJson = writeSpan(head, call, serviceName, source, context, options, new OtlpSpanJsonWriter());
  return { serviceName, traceId: head.traceId, spanId: head.spanId, spanJson };
}

function spanServiceName(call: LlmCall, source: SourceCoordinates): string {
  return call.service ?? serviceOfLogGroup(source.logGroup);
}

function spanHead(call: LlmCall, source: SourceCoordinates, options: SpanMappingOptions): OtlpSpanHead {
  return {
    traceId: options.traceId ?? traceIdFor(call.traceId, call.requestId, source),
    spanId: spanIdFor(source),
    name: call.operation ?? `${call.provider ?? 'llm'} ${call.model}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: call.startNs.toString(),
    endTimeUnixNano: call.endNs.toString(),
  };
}

function writeSpan<Span>(
  head: OtlpSpanHead,
  call: LlmCall,
  serviceName: string,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
  sink: OtlpSpanSink<Span>,
): Span {
  const statusMessage = call.failed ? statusMessageOf(call) : undefined;
  traceAttributes(sink, call, serviceName, source, context);
  observationAttributes(sink, call, statusMessage, source, context, options);
  return sink.span(head, statusMessage === undefined ? { code: STATUS_CODE.ok } : { code: STATUS_CODE.error, message: statusMessage });
}

function traceAttributes(
  sink: OtlpSpanSink<unknown>,
  call: LlmCall,
  serviceName: string,
  source: SourceCoordinates,
  context: ForwarderContext,
): void {
  sink.recurringStringAttribute(TRACE_KEY.name, call.operation ?? DEFAULT_TRACE_NAME);
  sink.recurringStringAttribute(TRACE_KEY.environment, langfuseEnvironment(call.environment ?? context.environment));
  if (call.userId !== undefined) sink.stringAttribute(TRACE_KEY.userId, call.userId);
  if (call.sessionId !== undefined) sink.stringAttribute(TRACE_KEY.sessionId, call.sessionId);
  const release = call.release ?? context.release;
  if (release !== undefined) sink.recurringStringAttribute(TRACE_KEY.release, release);
  if (call.tags.length > 0) sink.stringArrayAttribute(TRACE_KEY.tags, call.tags);
  const metadata = { service: serviceName, log_group: source.logGroup, ...call.metadata };
  traceMetadataAttributes(sink, metadata);
}

function observationAttributes(
  sink: OtlpSpanSink<unknown>,
  call: LlmCall,
  statusMessage: string | undefined,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
): void {
  const { content } = options;
  sink.recurringStringAttribute(OBS_KEY.type, 'generation');
  sink.recurringStringAttribute(OBS_KEY.modelName, call.model);
  sink.recurringStringAttribute(OBS_KEY.level, observationLevel(call));
  if (hasKeys(call.modelParameters)) sink.recurringStringAttribute(OBS_KEY.modelParameters, JSON.stringify(call.modelParameters));
  if (call.usage !== undefined) sink.numbersAttribute(OBS_KEY.usageDetails, usageDetails(call.usage));
  const cost = costDetails(call, options.prices);
  if (cost !== undefined) sink.numbersAttribute(OBS_KEY.costDetails, cost);
  if (statusMessage !== undefined) sink.stringAttribute(OBS_KEY.statusMessage, statusMessage);
  if (call.completionStartNs !== undefined) {
    sink.stringAttribute(OBS_KEY.completionStartTime, new Date(nsToMs(call.completionStartNs)).toISOString());
  }
  const input = content.content(call.input);
  if (input !== undefined) sink.stringAttribute(OBS_KEY.input, input);
  const output = content.content(call.output);
  if (output !== undefined) sink.stringAttribute(OBS_KEY.output, output);
  observationMetadata(sink, call, source, context, content.policy);
}

/** Observation metadata keys: fixed, distinct and already safe, so written without the checks free keys need. */
const OBSERVATION_METADATA_NAMES = [
  'log_stream',
  'cloudwatch_event_id',
  'aws_account',
  'aws_region',
  'log_format',
  'provider',
  'request_id',
  'api_key_id',
  'status_code',
  'source_trace_id',
  'source_span_id',
  'latency_ms',
  'content_policy',
] as const;
const OBSERVATION_METADATA = otlpAttributeKeys(
  Object.fromEntries(OBSERVATION_METADATA_NAMES.map((name) => [name, OBS.metadataPrefix + name])) as Record<(typeof OBSERVATION_METADATA_NAMES)[number], string>,
);

function observationMetadata(
  sink: OtlpSpanSink<unknown>,
  call: LlmCall,
  source: SourceCoordinates,
  context: ForwarderContext,
  policy: ContentPolicy,
): void {
  const keys = OBSERVATION_METADATA;
  metadataAttribute(sink, keys.log_stream, source.logStream, true);
  metadataAttribute(sink, keys.cloudwatch_event_id, source.id, false);
  metadataAttribute(sink, keys.aws_account, source.account, true);
  metadataAttribute(sink, keys.aws_region, context.region, true);
  metadataAttribute(sink, keys.log_format, call.format, true);
  metadataAttribute(sink, keys.provider, call.provider, true);
  metadataAttribute(sink, keys.request_id, call.requestId, false);
  metadataAttribute(sink, keys.api_key_id, call.apiKeyId === undefined ? undefined : maskedKeyId(call.apiKeyId), true);
  metadataAttribute(sink, keys.status_code, call.statusCode, true);
  metadataAttribute(sink, keys.source_trace_id, call.traceId, false);
  metadataAttribute(sink, keys.source_span_id, call.sourceSpanId, false);
  metadataAttribute(sink, keys.latency_ms, nsToMs(call.endNs - call.startNs), false);
  metadataAttribute(sink, keys.content_policy, policy, true);
}

/** One metadata attribute under a known-safe key, with the value rules of free metadata. */
function metadataAttribute(sink: OtlpSpanSink<unknown>, key: OtlpAttributeKey, value: string | number | undefined, recurring: boolean): void {
  const stringValue = cappedMetadataValue(value);
  if (stringValue === undefined) return;
  if (recurring) sink.recurringStringAttribute(key, stringValue);
  else sink.stringAttribute(key, stringValue);
}

/** `Object.keys(record).length > 0` without building the list. */
function hasKeys(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

function observationLevel(call: LlmCall): ObservationLevel {
  if (call.failed) return 'ERROR';
  if (call.level === 'WARN' || call.level === 'WARNING') return 'WARNING';
  if (call.level === 'DEBUG' || call.level === 'TRACE') return 'DEBUG';
  return 'DEFAULT';
}

function statusMessageOf(call: LlmCall): string {
  const parts: string[] = [];
  if (call.statusCode !== undefined) parts.push(`HTTP ${call.statusCode}`);
  if (call.error !== undefined) {
    if (call.error.type !== undefined && call.error.type !== call.error.message) parts.push(`${call.error.type}:`);
    parts.push(call.error.message);
  }
  if (parts.length === 0) parts.push(call.level !== undefined ? `logged at level ${call.level}` : 'call failed');
  const message = parts.join(' ');
  return message.length > MAX_STATUS_MESSAGE_CHARS ? message.slice(0, MAX_STATUS_MESSAGE_CHARS) : message;
}

/**
 * Flat string metadata under the trace prefix. Nested values are JSON; keys are reduced to `[A-Za-z0-9_-]` (a dot
 * would read as a path) and keep clear of the segments Langfuse drops.
 */
function traceMetadataAttributes(sink: OtlpSpanSink<unknown>, metadata: Readonly<Record<string, unknown>>): void {
  const taken = new Set<string>();
  for (const rawKey in metadata) {
    if (taken.size >= MAX_METADATA_KEYS) break;
    const stringValue = cappedMetadataValue(metadata[rawKey]);
    if (stringValue === undefined) continue;
    const key = traceMetadataKey(rawKey);
    if (key === undefined || taken.has(key.name)) continue;
    taken.add(key.name);
    sink.stringAttribute(key, stringValue);
  }
}

/** Attribute keys per metadata key, remembered: the same few keys repeat on every line. */
const traceMetadataKey = boundedMemo((rawKey: string) => {
  const key = safeMetadataKey(rawKey);
  return key === undefined ? undefined : new OtlpAttributeKey(TRACE.metadataPrefix + key);
});

function safeMetadataKey(raw: string): string | undefined {
  let key = raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_METADATA_KEY_LENGTH);
  if (key === '' || /^_+$/.test(key)) return undefined;
  if (RESERVED_KEY_SEGMENTS.includes(key)) key = `${key}_`;
  return key;
}

/** A metadata value as a string of at most MAX_METADATA_VALUE_CHARS; nothing for an empty one. */
function cappedMetadataValue(value: unknown): string | undefined {
  const stringValue = metadataValue(value);
  return stringValue !== undefined && stringValue.length > MAX_METADATA_VALUE_CHARS ? stringValue.slice(0, MAX_METADATA_VALUE_CHARS) : stringValue;
}

function metadataValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined || json === '{}' || json === '[]' ? undefined : json;
  } catch {
    return undefined;
  }
}

/** Langfuse's form of an environment name; remembered, as every line of a batch names the same one. */
export const langfuseEnvironment: (raw: string) => string = boundedMemo((raw: string) => {
  let env = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, MAX_ENVIRONMENT_LENGTH);
  if (env.startsWith('langfuse')) env = `env-${env}`.slice(0, MAX_ENVIRONMENT_LENGTH);
  return env === '' ? 'default' : env;
});

const MASKED_KEY_ID = /^[^\s]{0,12}\*{3,}[^\s]{0,6}$/;

/** A key id as the schema wants it (`sk-pr***a1b2`); anything that looks like a whole key is masked here. */
export function maskedKeyId(value: string): string {
  if (MASKED_KEY_ID.test(value)) return value;
  return value.length > 12 ? `${value.slice(0, 5)}***${value.slice(-4)}` : '***';
}
