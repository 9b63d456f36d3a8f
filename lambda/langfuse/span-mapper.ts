/**
 * One normalised LLM call → one OTLP span that Langfuse reads as a `generation` observation. Trace-wide context
 * (trace name, user, session, environment, release, tags, trace metadata) goes on every span, because Langfuse v4
 * reads it from each span rather than from a root.
 */
import type { LlmPrice } from '../../lib/config/llm-prices';
import type { ForwarderContext } from '../pipeline/types';
import type { ContentFilter } from './content-policy';
import { boundedMemo } from '../pipeline/bounded-memo';
import { nsToMs } from './formats/fields';
import { spanIdFor, traceIdFor, type EventCoordinates } from './ids';
import { OBSERVATION_ATTRIBUTES as OBS, RESERVED_KEY_SEGMENTS, TRACE_ATTRIBUTES as TRACE, type ObservationLevel } from './langfuse-attributes';
import type { LlmCall } from './llm-call';
import { SPAN_KIND_CLIENT, STATUS_CODE, stringArrayAttribute, stringAttribute, type OtlpKeyValue, type OtlpSpan } from './otlp';
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

export function mapCallToSpan(
  call: LlmCall,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
): MappedSpan {
  const serviceName = call.service ?? serviceOfLogGroup(source.logGroup);
  const attributes: OtlpKeyValue[] = [
    ...traceAttributes(call, serviceName, source, context),
    ...observationAttributes(call, source, context, options),
  ];
  const statusMessage = call.failed ? statusMessageOf(call) : undefined;
  const span: OtlpSpan = {
    traceId: options.traceId ?? traceIdFor(call.traceId, call.requestId, source),
    spanId: spanIdFor(source),
    name: call.operation ?? `${call.provider ?? 'llm'} ${call.model}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: call.startNs.toString(),
    endTimeUnixNano: call.endNs.toString(),
    attributes,
    status: statusMessage === undefined ? { code: STATUS_CODE.ok } : { code: STATUS_CODE.error, message: statusMessage },
  };
  return { span, serviceName };
}

function traceAttributes(
  call: LlmCall,
  serviceName: string,
  source: SourceCoordinates,
  context: ForwarderContext,
): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [
    stringAttribute(TRACE.name, call.operation ?? DEFAULT_TRACE_NAME),
    stringAttribute(TRACE.environment, langfuseEnvironment(call.environment ?? context.environment)),
  ];
  if (call.userId !== undefined) out.push(stringAttribute(TRACE.userId, call.userId));
  if (call.sessionId !== undefined) out.push(stringAttribute(TRACE.sessionId, call.sessionId));
  const release = call.release ?? context.release;
  if (release !== undefined) out.push(stringAttribute(TRACE.release, release));
  if (call.tags.length > 0) out.push(stringArrayAttribute(TRACE.tags, call.tags));
  const metadata = { service: serviceName, log_group: source.logGroup, ...call.metadata };
  out.push(...metadataAttributes(TRACE.metadataPrefix, metadata));
  return out;
}

function observationAttributes(
  call: LlmCall,
  source: SourceCoordinates,
  context: ForwarderContext,
  options: SpanMappingOptions,
): OtlpKeyValue[] {
  const { content } = options;
  const out: OtlpKeyValue[] = [
    stringAttribute(OBS.type, 'generation'),
    stringAttribute(OBS.modelName, call.model),
    stringAttribute(OBS.level, observationLevel(call)),
  ];
  if (Object.keys(call.modelParameters).length > 0) out.push(stringAttribute(OBS.modelParameters, JSON.stringify(call.modelParameters)));
  if (call.usage !== undefined) out.push(stringAttribute(OBS.usageDetails, JSON.stringify(usageDetails(call.usage))));
  const cost = costDetails(call, options.prices);
  if (cost !== undefined) out.push(stringAttribute(OBS.costDetails, JSON.stringify(cost)));
  if (call.failed) out.push(stringAttribute(OBS.statusMessage, statusMessageOf(call)));
  if (call.completionStartNs !== undefined) {
    out.push(stringAttribute(OBS.completionStartTime, new Date(nsToMs(call.completionStartNs)).toISOString()));
  }
  const input = content.content(call.input);
  if (input !== undefined) out.push(stringAttribute(OBS.input, input));
  const output = content.content(call.output);
  if (output !== undefined) out.push(stringAttribute(OBS.output, output));
  const metadata: Record<string, unknown> = {
    log_stream: source.logStream,
    cloudwatch_event_id: source.id,
    aws_account: source.account,
    aws_region: context.region,
    log_format: call.format,
    provider: call.provider,
    request_id: call.requestId,
    api_key_id: call.apiKeyId === undefined ? undefined : maskedKeyId(call.apiKeyId),
    status_code: call.statusCode,
    source_trace_id: call.traceId,
    source_span_id: call.sourceSpanId,
    latency_ms: nsToMs(call.endNs - call.startNs),
    content_policy: content.policy,
  };
  out.push(...metadataAttributes(OBS.metadataPrefix, metadata));
  return out;
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
 * Flat string metadata under a documented prefix. Nested values are JSON; keys are reduced to `[A-Za-z0-9_-]`
 * (a dot would read as a path) and keep clear of the segments Langfuse drops.
 */
function metadataAttributes(prefix: string, metadata: Readonly<Record<string, unknown>>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  const taken = new Set<string>();
  for (const rawKey in metadata) {
    if (out.length >= MAX_METADATA_KEYS) break;
    const stringValue = metadataValue(metadata[rawKey]);
    if (stringValue === undefined) continue;
    const key = metadataKey(rawKey);
    if (key === undefined || taken.has(key)) continue;
    taken.add(key);
    out.push(stringAttribute(prefix + key, stringValue.length > MAX_METADATA_VALUE_CHARS ? stringValue.slice(0, MAX_METADATA_VALUE_CHARS) : stringValue));
  }
  return out;
}

const metadataKey = boundedMemo(safeMetadataKey);

function safeMetadataKey(raw: string): string | undefined {
  let key = raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_METADATA_KEY_LENGTH);
  if (key === '' || /^_+$/.test(key)) return undefined;
  if (RESERVED_KEY_SEGMENTS.includes(key)) key = `${key}_`;
  return key;
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

export function langfuseEnvironment(raw: string): string {
  let env = raw.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, MAX_ENVIRONMENT_LENGTH);
  if (env.startsWith('langfuse')) env = `env-${env}`.slice(0, MAX_ENVIRONMENT_LENGTH);
  return env === '' ? 'default' : env;
}

const MASKED_KEY_ID = /^[^\s]{0,12}\*{3,}[^\s]{0,6}$/;

/** A key id as the schema wants it (`sk-pr***a1b2`); anything that looks like a whole key is masked here. */
export function maskedKeyId(value: string): string {
  if (MASKED_KEY_ID.test(value)) return value;
  return value.length > 12 ? `${value.slice(0, 5)}***${value.slice(-4)}` : '***';
}
