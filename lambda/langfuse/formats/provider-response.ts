/**
 * Provider responses "as logged": services log either the provider's response object itself, or a small envelope
 * `{ request, response, latency_ms, trace_id, ... }` around it. This module finds the response and the request in
 * both shapes and builds the call from what a provider-specific reader extracts; the OpenAI and Anthropic parsers
 * only say how to read their own objects.
 */
import type { LlmFormat, LlmUsage, ModelParameterValue, ParseResult } from '../llm-call';
import { callFromEnvelope, callTimes, finiteCost, isErrorLevel, isFailureStatus, readEnvelope, type ParseContext } from './envelope';
import { MODEL_PARAMETER_KEYS, modelParameters, record, text, type JsonRecord } from './fields';

export interface LoggedExchange {
  /** The provider's response object. */
  readonly response: JsonRecord;
  /** The request body, when the service logged it. */
  readonly request?: JsonRecord;
  /** The envelope around them (the line itself when the response was logged bare). */
  readonly line: JsonRecord;
}

/** The response at the top level, or under `response` with the request under `request`. */
export function findExchange(line: JsonRecord, isResponse: (candidate: JsonRecord) => boolean): LoggedExchange | undefined {
  if (isResponse(line)) return { response: line, request: record(line['request']), line };
  const nested = record(line['response']);
  if (nested !== undefined && isResponse(nested)) return { response: nested, request: record(line['request']), line };
  return undefined;
}

/** What a provider reader extracts from its own response object. */
export interface ProviderReading {
  readonly format: LlmFormat;
  readonly provider: string;
  readonly model?: string;
  readonly usage?: LlmUsage;
  /** Provider's own start time (e.g. OpenAI `created`), used when the envelope has none. */
  readonly createdNs?: bigint;
  readonly output?: unknown;
  readonly input?: unknown;
  readonly error?: { readonly type?: string; readonly message: string };
  readonly modelParameters?: Readonly<Record<string, ModelParameterValue>>;
  readonly metadata?: JsonRecord;
}

export function buildProviderCall(exchange: LoggedExchange, reading: ProviderReading, context: ParseContext): ParseResult {
  const { line, request } = exchange;
  const model = reading.model ?? text(request?.['model'], 200) ?? text(line['model'], 200);
  if (model === undefined) return { kind: 'skip', reason: `${reading.format} response without a model` };
  const envelope = readEnvelope(line);
  const startNs = envelope.startNs ?? reading.createdNs;
  const times = callTimes({ startNs, endNs: envelope.endNs, durationNs: envelope.durationNs }, context.eventTimeNs);
  const call = callFromEnvelope(reading.format, model, envelope.provider ?? reading.provider, times, envelope);
  call.userId = envelope.userId ?? text(request?.['user']);
  const parameters = modelParameters(request, MODEL_PARAMETER_KEYS);
  // Parameters the response echoes win over the request's, as they are what the provider applied.
  call.modelParameters = reading.modelParameters === undefined ? parameters : Object.assign(parameters, reading.modelParameters);
  call.usage = reading.usage;
  call.costUsd = finiteCost(line['cost_usd'] ?? line['costUsd']);
  call.error = reading.error;
  call.failed = reading.error !== undefined || isFailureStatus(envelope.statusCode) || isErrorLevel(envelope.level);
  call.input = reading.input ?? requestContent(request);
  call.output = reading.output;
  call.metadata = { ...envelope.metadata, ...reading.metadata };
  return { kind: 'call', call };
}

/** The prompt part of a request body: chat `messages`, Responses `input` (+ `instructions`), Anthropic `system`. */
function requestContent(request: JsonRecord | undefined): unknown {
  if (request === undefined) return undefined;
  const content: Record<string, unknown> = {};
  for (const key of ['system', 'instructions', 'messages', 'input', 'prompt', 'tools']) {
    if (request[key] !== undefined) content[key] = request[key];
  }
  return Object.keys(content).length > 0 ? content : undefined;
}
