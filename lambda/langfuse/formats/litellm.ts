/**
 * LiteLLM's StandardLoggingPayload (litellm/types/utils.py), logged as JSON by a custom callback or the proxy,
 * bare or under `standard_logging_object`: `call_type`, `model`, `prompt_tokens` / `completion_tokens` (OpenAI
 * convention, cached tokens included), `startTime` / `endTime` / `completionStartTime` in Unix seconds,
 * `response_cost`, `status`, `error_information`, `request_tags`, `end_user`, `messages`, `response`,
 * `model_parameters`, and `metadata` (key alias, team, `usage_object` with the cache counts).
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { finiteCost, readError, type ParseContext } from './envelope';
import {
  count,
  epochSecondsToNs,
  exclusiveUsage,
  firstCount,
  modelParameters,
  orderedTimes,
  record,
  tags,
  text,
  type JsonRecord,
} from './fields';

const NESTED_KEY = 'standard_logging_object';

function looksLikeStandardLoggingPayload(candidate: JsonRecord): boolean {
  return (
    typeof candidate['call_type'] === 'string' &&
    candidate['model'] !== undefined &&
    (candidate['response_cost'] !== undefined || candidate['prompt_tokens'] !== undefined || candidate['startTime'] !== undefined)
  );
}

export function findLiteLlmPayload(line: JsonRecord): JsonRecord | undefined {
  if (looksLikeStandardLoggingPayload(line)) return line;
  const nested = record(line[NESTED_KEY]);
  return nested !== undefined && looksLikeStandardLoggingPayload(nested) ? nested : undefined;
}

/** Metadata keys LiteLLM adds that must never leave: the virtual key's hash identifies the key. */
const SECRET_METADATA_KEYS = ['user_api_key_hash', 'user_api_key', 'api_key'];

export function parseLiteLlm(payload: JsonRecord, context: ParseContext): ParseResult {
  const model = text(payload['model'], 200);
  if (model === undefined) return { kind: 'skip', reason: 'LiteLLM payload without a model' };
  const metadata = record(payload['metadata']) ?? {};
  const requester = record(metadata['requester_metadata']) ?? {};
  const usageObject = record(metadata['usage_object']) ?? record(record(payload['hidden_params'])?.['usage_object']);
  const promptDetails = record(usageObject?.['prompt_tokens_details']);
  const errorInfo = record(payload['error_information']);
  const error =
    readError({ type: errorInfo?.['error_class'], message: errorInfo?.['error_message'] }) ?? readError(payload['error_str']);
  const failed = payload['status'] === 'failure' || error !== undefined;
  const startNs = epochSecondsToNs(payload['startTime']) ?? context.eventTimeNs;
  const completionStartNs = epochSecondsToNs(payload['completionStartTime']);
  const errorStatus = count(errorInfo?.['error_code']);
  // A cost LiteLLM failed to compute is reported as 0 with debug info: that is "unknown", not "free".
  const costUnknown = payload['response_cost_failure_debug_info'] != null;
  return {
    kind: 'call',
    call: {
      format: LLM_FORMATS.litellm,
      model,
      provider: text(payload['custom_llm_provider'], 64),
      ...orderedTimes(startNs, epochSecondsToNs(payload['endTime'])),
      completionStartNs: completionStartNs !== undefined && completionStartNs >= startNs ? completionStartNs : undefined,
      traceId: text(payload['trace_id']) ?? text(requester['trace_id']),
      requestId: text(payload['id']),
      sessionId: text(requester['session_id']) ?? text(metadata['session_id']),
      userId: text(payload['end_user']) ?? text(metadata['user_api_key_end_user_id']),
      operation: text(requester['trace_name'], 200) ?? text(payload['call_type'], 64),
      tags: tags(payload['request_tags']),
      modelParameters: modelParameters(payload['model_parameters']),
      usage: exclusiveUsage({
        prompt: count(payload['prompt_tokens']),
        output: count(payload['completion_tokens']),
        cacheRead: count(promptDetails?.['cached_tokens']) ?? firstCount(usageObject, ['cache_read_input_tokens']),
        cacheWrite: firstCount(usageObject, ['cache_creation_input_tokens']),
        total: count(payload['total_tokens']),
        promptIncludesCache: true,
      }),
      costUsd: costUnknown ? undefined : finiteCost(payload['response_cost']),
      statusCode: errorStatus !== undefined && errorStatus >= 100 && errorStatus <= 599 ? errorStatus : undefined,
      error,
      failed,
      input: payload['messages'],
      output: responseContent(payload['response']),
      metadata: {
        ...withoutSecrets(record(metadata['spend_logs_metadata']) ?? {}),
        ...withoutSecrets(requester),
        litellm_call_type: text(payload['call_type'], 64),
        litellm_model_group: text(payload['model_group'], 200),
        litellm_key_alias: text(metadata['user_api_key_alias'], 200),
        litellm_team_alias: text(metadata['user_api_key_team_alias'], 200),
        litellm_team_id: text(metadata['user_api_key_team_id']),
        litellm_cache_hit: payload['cache_hit'] === true ? 'true' : undefined,
      },
    },
  };
}

function withoutSecrets(source: JsonRecord): JsonRecord {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(source);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (!SECRET_METADATA_KEYS.includes(key) && key !== 'trace_name' && key !== 'session_id' && key !== 'trace_id') out[key] = source[key];
  }
  return out;
}

/** A ModelResponse's choices' messages; a string or other shape as is. */
function responseContent(response: unknown): unknown {
  const choices = record(response)?.['choices'];
  if (!Array.isArray(choices)) return response;
  return choices.map((choice) => record(choice)?.['message'] ?? choice);
}
