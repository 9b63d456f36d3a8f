/**
 * The fields services write around an LLM call whatever the payload format: when it started, how long it took,
 * the request's trace id, who asked. One reader for all formats, with the spellings seen in practice
 * (snake_case, camelCase, Powertools' `xray_trace_id`).
 */
import type { LlmCall, LlmError } from '../llm-call';
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

const KEYS = {
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

export function readEnvelope(source: JsonRecord): Envelope {
  const level = firstText(source, KEYS.level, 16);
  return {
    startNs: firstTime(source, KEYS.start),
    endNs: firstTime(source, KEYS.end),
    durationNs: firstDuration(source, KEYS.latency),
    traceId: firstText(source, KEYS.trace),
    spanId: firstText(source, KEYS.span),
    requestId: firstText(source, KEYS.request),
    sessionId: firstText(source, KEYS.session),
    userId: firstText(source, KEYS.user),
    apiKeyId: firstText(source, KEYS.apiKey, 64),
    service: firstText(source, KEYS.service, 128),
    operation: firstText(source, KEYS.operation, 200),
    provider: firstText(source, KEYS.provider, 64),
    environment: firstText(source, KEYS.environment, 64),
    release: firstText(source, KEYS.release, 200),
    level: level?.toUpperCase(),
    statusCode: firstStatus(source),
    tags: readTags(source['tags']),
    metadata: record(source['metadata']) ?? {},
  };
}

/** The call's context fields straight from the envelope, for parsers to spread into their call. */
export function contextOf(envelope: Envelope) {
  return {
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
  } satisfies Partial<LlmCall>;
}

function firstTime(source: JsonRecord, keys: readonly string[]): bigint | undefined {
  for (const key of keys) {
    const ns = anyTimeToNs(source[key]);
    if (ns !== undefined) return ns;
  }
  return undefined;
}

function firstDuration(source: JsonRecord, keys: readonly string[]): bigint | undefined {
  for (const key of keys) {
    const ns = durationMsToNs(source[key]);
    if (ns !== undefined) return ns;
  }
  return undefined;
}

function firstStatus(source: JsonRecord): number | undefined {
  for (const key of KEYS.status) {
    const status = count(source[key]);
    if (status !== undefined && status >= 100 && status <= 599) return status;
  }
  return undefined;
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
