/**
 * This project's own LLM event (`schemas/llm-event.schema.json`, `schema: "llm-call/v1"`): the richest format,
 * read field by field as the schema documents them.
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { callFromEnvelope, callTimes, finiteCost, isErrorLevel, isFailureStatus, readEnvelope, readError, type ParseContext } from './envelope';
import { count, exclusiveUsage, modelParameters, record, text, type JsonRecord } from './fields';

export const PROJECT_SCHEMA_ID = 'llm-call/v1';

export function isProjectSchema(line: JsonRecord): boolean {
  return line['schema'] === PROJECT_SCHEMA_ID;
}

export function parseProjectSchema(line: JsonRecord, context: ParseContext): ParseResult {
  const model = text(line['model'], 200);
  if (model === undefined) return { kind: 'skip', reason: 'llm-call/v1 event without a model' };
  const envelope = readEnvelope(line);
  const usage = record(line['usage']);
  const error = readError(line['error']);
  const call = callFromEnvelope(LLM_FORMATS.projectSchema, model, envelope.provider, callTimes(envelope, context.eventTimeNs), envelope);
  call.modelParameters = modelParameters(line['model_parameters']);
  // The schema documents cached_tokens as a subset of prompt_tokens (OpenAI's convention).
  call.usage = exclusiveUsage({
    prompt: count(usage?.['prompt_tokens']),
    output: count(usage?.['completion_tokens']),
    cacheRead: count(usage?.['cached_tokens']),
    total: count(usage?.['total_tokens']),
    promptIncludesCache: true,
  });
  call.costUsd = finiteCost(line['cost_usd']);
  call.error = error;
  call.failed = error !== undefined || isFailureStatus(envelope.statusCode) || isErrorLevel(envelope.level);
  call.input = line['request'];
  call.output = line['response'];
  return { kind: 'call', call };
}
