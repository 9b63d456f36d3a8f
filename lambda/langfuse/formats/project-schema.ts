/**
 * This project's own LLM event (`schemas/llm-event.schema.json`, `schema: "llm-call/v1"`): the richest format,
 * read field by field as the schema documents them.
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { callTimes, contextOf, finiteCost, isErrorLevel, isFailureStatus, readEnvelope, readError, type ParseContext } from './envelope';
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
  return {
    kind: 'call',
    call: {
      format: LLM_FORMATS.projectSchema,
      model,
      provider: envelope.provider,
      ...callTimes(envelope, context.eventTimeNs),
      ...contextOf(envelope),
      modelParameters: modelParameters(line['model_parameters']),
      // The schema documents cached_tokens as a subset of prompt_tokens (OpenAI's convention).
      usage: exclusiveUsage({
        prompt: count(usage?.['prompt_tokens']),
        output: count(usage?.['completion_tokens']),
        cacheRead: count(usage?.['cached_tokens']),
        total: count(usage?.['total_tokens']),
        promptIncludesCache: true,
      }),
      costUsd: finiteCost(line['cost_usd']),
      error,
      failed: error !== undefined || isFailureStatus(envelope.statusCode) || isErrorLevel(envelope.level),
      input: line['request'],
      output: line['response'],
      metadata: envelope.metadata,
    },
  };
}
