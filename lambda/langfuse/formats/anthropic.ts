/**
 * Anthropic Messages API responses as logged (`type: "message"`, `usage.input_tokens`, `output_tokens`,
 * `cache_creation_input_tokens`, `cache_read_input_tokens`). Anthropic's `input_tokens` excludes both cache
 * counts, so they are already exclusive buckets. Error bodies (`type: "error"`) count when the request is beside them.
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { readError, type ParseContext } from './envelope';
import { count, definedOnly, exclusiveUsage, record, text, type JsonRecord } from './fields';
import { buildProviderCall, findExchange, type LoggedExchange, type ProviderReading } from './provider-response';

function isMessage(candidate: JsonRecord): boolean {
  const usage = record(candidate['usage']);
  return candidate['type'] === 'message' && usage !== undefined && usage['input_tokens'] !== undefined;
}

function isAnthropicError(candidate: JsonRecord): boolean {
  return candidate['type'] === 'error' && record(candidate['error']) !== undefined;
}

export function findAnthropicExchange(line: JsonRecord): LoggedExchange | undefined {
  const success = findExchange(line, isMessage);
  if (success !== undefined) return success;
  const failure = findExchange(line, isAnthropicError);
  return failure !== undefined && failure.request !== undefined && failure.response !== line ? failure : undefined;
}

export function parseAnthropic(exchange: LoggedExchange, context: ParseContext): ParseResult {
  return buildProviderCall(exchange, readMessage(exchange.response), context);
}

function readMessage(response: JsonRecord): ProviderReading {
  const usage = record(response['usage']);
  const stopReason = text(response['stop_reason'], 32);
  const id = text(response['id']);
  return {
    format: LLM_FORMATS.anthropicMessages,
    provider: 'anthropic',
    model: text(response['model'], 200),
    usage: exclusiveUsage({
      prompt: count(usage?.['input_tokens']),
      output: count(usage?.['output_tokens']),
      cacheRead: count(usage?.['cache_read_input_tokens']),
      cacheWrite: count(usage?.['cache_creation_input_tokens']),
      promptIncludesCache: false,
    }),
    output: response['type'] === 'message' ? { role: response['role'] ?? 'assistant', content: response['content'] } : undefined,
    error: isAnthropicError(response) ? readError(response['error']) : undefined,
    metadata: definedOnly({ stop_reason: stopReason, response_id: id }),
  };
}
