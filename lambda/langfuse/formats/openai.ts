/**
 * OpenAI responses as services log them: Chat Completions (`object: "chat.completion"`, `usage.prompt_tokens`,
 * `prompt_tokens_details.cached_tokens`) and the Responses API (`object: "response"`, `usage.input_tokens`,
 * `input_tokens_details.cached_tokens`). OpenAI's prompt counts include cached tokens.
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { readError, type ParseContext } from './envelope';
import { count, definedOnly, epochSecondsToNs, exclusiveUsage, modelParameters, record, text, type JsonRecord } from './fields';
import { buildProviderCall, findExchange, type LoggedExchange, type ProviderReading } from './provider-response';

function isChatCompletion(candidate: JsonRecord): boolean {
  if (candidate['object'] === 'chat.completion') return true;
  const usage = record(candidate['usage']);
  return Array.isArray(candidate['choices']) && usage !== undefined && usage['prompt_tokens'] !== undefined;
}

function isResponsesObject(candidate: JsonRecord): boolean {
  if (candidate['object'] === 'response') return true;
  const usage = record(candidate['usage']);
  return Array.isArray(candidate['output']) && usage !== undefined && usage['input_tokens'] !== undefined && candidate['created_at'] !== undefined;
}

/** `{"error": {"message", "type", "code"}}`, OpenAI's error body, only recognisable with the request beside it. */
function isOpenAiError(candidate: JsonRecord): boolean {
  const error = record(candidate['error']);
  return error !== undefined && typeof error['message'] === 'string' && candidate['type'] !== 'error';
}

export function findOpenAiExchange(line: JsonRecord): LoggedExchange | undefined {
  const success = findExchange(line, (candidate) => isChatCompletion(candidate) || isResponsesObject(candidate));
  if (success !== undefined) return success;
  const failure = findExchange(line, isOpenAiError);
  // A bare error body says nothing about which model failed; only an envelope with the request makes it a call.
  return failure !== undefined && failure.request !== undefined && failure.response !== line ? failure : undefined;
}

export function parseOpenAi(exchange: LoggedExchange, context: ParseContext): ParseResult {
  const { response, request } = exchange;
  if (isResponsesObject(response) || (isOpenAiError(response) && request?.['input'] !== undefined)) {
    return buildProviderCall(exchange, readResponsesApi(response), context);
  }
  return buildProviderCall(exchange, readChatCompletion(response), context);
}

function readChatCompletion(response: JsonRecord): ProviderReading {
  const usage = record(response['usage']);
  const details = record(usage?.['prompt_tokens_details']);
  const choices = Array.isArray(response['choices']) ? response['choices'] : undefined;
  return {
    format: LLM_FORMATS.openaiChat,
    provider: 'openai',
    model: text(response['model'], 200),
    createdNs: epochSecondsToNs(response['created']),
    usage: exclusiveUsage({
      prompt: count(usage?.['prompt_tokens']),
      output: count(usage?.['completion_tokens']),
      cacheRead: count(details?.['cached_tokens']),
      total: count(usage?.['total_tokens']),
      promptIncludesCache: true,
    }),
    output: choices?.map((choice) => record(choice)?.['message'] ?? choice),
    error: readError(response['error']),
    metadata: finishReasons(choices, response),
  };
}

function readResponsesApi(response: JsonRecord): ProviderReading {
  const usage = record(response['usage']);
  const details = record(usage?.['input_tokens_details']);
  const status = text(response['status'], 32);
  const error = readError(response['error']) ?? (status === 'failed' ? { message: 'response status failed' } : undefined);
  return {
    format: LLM_FORMATS.openaiResponses,
    provider: 'openai',
    model: text(response['model'], 200),
    createdNs: epochSecondsToNs(response['created_at']),
    usage: exclusiveUsage({
      prompt: count(usage?.['input_tokens']),
      output: count(usage?.['output_tokens']),
      cacheRead: count(details?.['cached_tokens']),
      total: count(usage?.['total_tokens']),
      promptIncludesCache: true,
    }),
    output: response['output'],
    // The Responses object echoes its sampling parameters; instructions are content, not parameters.
    modelParameters: modelParameters(response, ['temperature', 'top_p', 'max_output_tokens', 'service_tier']),
    error,
    metadata: definedOnly({ response_status: status, response_id: text(response['id']) }),
  };
}

function finishReasons(choices: unknown[] | undefined, response: JsonRecord): JsonRecord {
  let reasons: string | undefined;
  for (const choice of choices ?? []) {
    const reason = text(record(choice)?.['finish_reason'], 32);
    if (reason !== undefined) reasons = reasons === undefined ? reason : `${reasons},${reason}`;
  }
  return definedOnly({ finish_reasons: reasons, response_id: text(response['id']) });
}
