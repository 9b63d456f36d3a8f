/**
 * The fields services write around an LLM call whatever the payload format: when it started, how long it took,
 * the request's trace id, who asked. One reader for all formats, with the spellings seen in practice
 * (snake_case, camelCase, Powertools' `xray_trace_id`).
 */
import { preferredFieldsReader } from '../../pipeline/preferred-fields';
import type { Mutable } from '../../pipeline/types';
import type { LlmCall, LlmError, LlmFormat } from '../llm-call';
import {
  anyTimeToNs,
  count,
  durationMsToNs,
  firstText,
  isRecord,
  num,
  record,
  tags as readTags,
  text,
  type JsonRecord,
} from './fields';

/** What every parser gets besides the line itself. */
export interface ParseContext {
  /** CloudWatch's timestamp of the event, the fallback start time. */
  readonly eventTimeNs: bigint;
}

/** The call's context fields as the envelope carries them, plus the raw timing and the log's own span id. */
export interface Envelope
  extends Pick<
    LlmCall,
    'traceId' | 'requestId' | 'sessionId' | 'userId' | 'apiKeyId' | 'service' | 'operation' | 'provider' | 'environment' | 'release' | 'level' | 'statusCode'
  > {
  readonly startNs?: bigint;
  readonly durationNs?: bigint;
  readonly endNs?: bigint;
  readonly spanId?: string;
  readonly tags: string[];
  readonly metadata: JsonRecord;
}

/** Each envelope field's spellings, the preferred first. */
export const ENVELOPE_SPELLINGS = {
  start: ['timestamp', 'start_time', 'startTime', 'started_at', 'time', '@timestamp'],
  end: ['end_time', 'endTime', 'ended_at'],
  latency: ['latency_ms', 'latencyMs', 'duration_ms', 'durationMs', 'elapsed_ms', 'response_time_ms'],
  trace: ['trace_id', 'traceId', 'xray_trace_id', 'traceparent'],
  span: ['span_id', 'spanId'],
  request: ['request_id', 'requestId', 'correlation_id', 'correlationId'],
  session: ['session_id', 'sessionId', 'conversation_id'],
  user: ['user_id', 'userId', 'end_user'],
  apiKey: ['api_key_id', 'apiKeyId'],
  service: ['service', 'service_name', 'serviceName'],
  operation: ['operation', 'operation_name', 'trace_name'],
  provider: ['provider', 'llm_provider'],
  environment: ['environment', 'env', 'deployment_environment'],
  release: ['release', 'version', 'service_version'],
  level: ['level', 'severity', 'log_level'],
  status: ['status_code', 'statusCode', 'http_status'],
} as const;

/** How each envelope field reads one spelling's value; `undefined` means "not this field, try the next spelling". */
export const READ_ENVELOPE_FIELD = {
  start: anyTimeToNs,
  end: anyTimeToNs,
  latency: durationMsToNs,
  trace: (value) => text(value),
  span: (value) => text(value),
  request: (value) => text(value),
  session: (value) => text(value),
  user: (value) => text(value),
  apiKey: (value) => text(value, 64),
  service: (value) => text(value, 128),
  operation: (value) => text(value, 200),
  provider: (value) => text(value, 64),
  environment: (value) => text(value, 64),
  release: (value) => text(value, 200),
  level: (value) => text(value, 16),
  status: httpStatus,
} satisfies { readonly [F in keyof typeof ENVELOPE_SPELLINGS]: (value: unknown) => unknown };

/** One pass over the line's keys (about fifty spellings, nearly all absent on any one line). */
const readEnvelopeFields = preferredFieldsReader(ENVELOPE_SPELLINGS, READ_ENVELOPE_FIELD);

export function readEnvelope(source: JsonRecord): Envelope {
  const found = readEnvelopeFields(source);
  return {
    startNs: found.start,
    endNs: found.end,
    durationNs: found.latency,
    traceId: found.trace,
    spanId: found.span,
    requestId: found.request,
    sessionId: found.session,
    userId: found.user,
    apiKeyId: found.apiKey,
    service: found.service,
    operation: found.operation,
    provider: found.provider,
    environment: found.environment,
    release: found.release,
    level: found.level?.toUpperCase(),
    statusCode: found.status,
    tags: readTags(source['tags']),
    metadata: record(source['metadata']) ?? {},
  };
}

/** A writable call, for parsers that fill it field by field. */
type CallDraft = Mutable<LlmCall>;

/**
 * A call with the envelope's context fields, every `LlmCall` key but `completionStartNs` present and in the order
 * parsers have always written them (`metadata` flattening and exports follow key order); the parser then sets the
 * format's own fields. One literal instead of spreads: the object is built with its final shape at once.
 */
export function callFromEnvelope(
  format: LlmFormat,
  model: string,
  provider: string | undefined,
  times: { readonly startNs: bigint; readonly endNs: bigint },
  envelope: Envelope,
): CallDraft {
  return {
    format,
    model,
    provider,
    startNs: times.startNs,
    endNs: times.endNs,
    traceId: envelope.traceId,
    sourceSpanId: envelope.spanId,
    requestId: envelope.requestId,
    sessionId: envelope.sessionId,
    userId: envelope.userId,
    apiKeyId: envelope.apiKeyId,
    service: envelope.service,
    operation: envelope.operation,
    environment: envelope.environment,
    release: envelope.release,
    tags: envelope.tags,
    statusCode: envelope.statusCode,
    level: envelope.level,
    modelParameters: {},
    usage: undefined,
    costUsd: undefined,
    error: undefined,
    failed: false,
    input: undefined,
    output: undefined,
    metadata: envelope.metadata,
  };
}

function httpStatus(value: unknown): number | undefined {
  const status = count(value);
  return status !== undefined && status >= 100 && status <= 599 ? status : undefined;
}

/**
 * Start and end of the call: explicit start, else the fallback; end from an explicit end, else start + latency.
 * A log written *after* the call with only a latency is still placed correctly when it says when it started.
 */
export function callTimes(
  envelope: Pick<Envelope, 'startNs' | 'endNs' | 'durationNs'>,
  fallbackStartNs: bigint,
): { startNs: bigint; endNs: bigint } {
  const startNs = envelope.startNs ?? fallbackStartNs;
  let endNs = envelope.endNs;
  if ((endNs === undefined || endNs < startNs) && envelope.durationNs !== undefined) endNs = startNs + envelope.durationNs;
  return { startNs, endNs: endNs !== undefined && endNs >= startNs ? endNs : startNs };
}

/** Reads `{type, message}`-like error objects, or a bare string, into an error; null/absent means no error. */
export function readError(value: unknown): LlmError | undefined {
  if (typeof value === 'string') {
    const message = text(value, 2000);
    return message === undefined ? undefined : { message };
  }
  if (!isRecord(value)) return undefined;
  const nested = record(value['error']);
  const source = nested ?? value;
  const type = firstText(source, ['type', 'code', 'error_class', 'name', '__type'], 200);
  const message = firstText(source, ['message', 'error_message', 'msg', 'detail', 'description'], 2000);
  if (type === undefined && message === undefined) return undefined;
  return { type, message: message ?? type! };
}

/** The levels that mean the call failed, in the spellings of the formats we read. */
export function isErrorLevel(level: string | undefined): boolean {
  return level === 'ERROR' || level === 'FATAL' || level === 'CRITICAL';
}

/** HTTP status that means failure. */
export function isFailureStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 400;
}

export function finiteCost(value: unknown): number | undefined {
  const cost = num(value);
  return cost !== undefined && cost >= 0 ? cost : undefined;
}
