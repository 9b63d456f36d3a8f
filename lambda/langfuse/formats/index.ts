/**
 * Recognises which input format a log line is in and parses it into the normalised LLM call. Formats with an
 * explicit discriminator (`schema`, `schemaType`) are tried first, then the shape-based ones; a line that matches
 * none is skipped with a reason, never an error.
 */
import { describeError } from '../../pipeline/unknown-values';
import type { ParseResult } from '../llm-call';
import { findAnthropicExchange, parseAnthropic } from './anthropic';
import { isBedrockInvocationLog, parseBedrock } from './bedrock';
import type { ParseContext } from './envelope';
import { isRecord, type JsonRecord } from './fields';
import { findLiteLlmPayload, parseLiteLlm } from './litellm';
import { findOpenAiExchange, parseOpenAi } from './openai';
import { findOtelGenAi, parseOtelGenAi } from './otel-genai';
import { isProjectSchema, parseProjectSchema } from './project-schema';

export type { ParseContext } from './envelope';

export const UNRECOGNISED_REASON =
  'not an LLM call in a known format (llm-call/v1, OpenAI, Anthropic, Bedrock invocation log, LiteLLM, OTel gen_ai)';

/** Parses one already-JSON-decoded log line. Total: any input yields a call or a skip reason. */
export function parseLlmCall(line: unknown, context: ParseContext): ParseResult {
  if (!isRecord(line)) return { kind: 'skip', reason: 'log line is not a JSON object' };
  try {
    return recognise(line, context);
  } catch (error) {
    // Parsers are total by construction; this guard keeps a bug in one from dropping the whole batch.
    return { kind: 'skip', reason: `parser error: ${describeError(error)}` };
  }
}

function recognise(line: JsonRecord, context: ParseContext): ParseResult {
  if (isProjectSchema(line)) return parseProjectSchema(line, context);
  if (isBedrockInvocationLog(line)) return parseBedrock(line, context);
  const litellm = findLiteLlmPayload(line);
  if (litellm !== undefined) return parseLiteLlm(litellm, context);
  const otel = findOtelGenAi(line);
  if (otel !== undefined) return parseOtelGenAi(otel, context);
  const openai = findOpenAiExchange(line);
  if (openai !== undefined) return parseOpenAi(openai, context);
  const anthropic = findAnthropicExchange(line);
  if (anthropic !== undefined) return parseAnthropic(anthropic, context);
  return { kind: 'skip', reason: UNRECOGNISED_REASON };
}
