/**
 * Amazon Bedrock model invocation logs (`schemaType: "ModelInvocationLog"`), which Bedrock itself writes to a
 * CloudWatch group: `modelId`, `input.inputTokenCount`, `output.outputTokenCount`, the cache counts
 * `input.cacheReadInputTokenCount` / `cacheWriteInputTokenCount` (not included in `inputTokenCount`), the request
 * and response bodies (`inputBodyJson` / `outputBodyJson`, or an S3 path when too large), `requestMetadata`.
 * Latency comes from the Converse body (`metrics.latencyMs`) or the streaming invocation metrics.
 */
import { LLM_FORMATS, type ParseResult } from '../llm-call';
import { callTimes, readError, type ParseContext } from './envelope';
import {
  count,
  durationMsToNs,
  exclusiveUsage,
  firstCount,
  isoToNs,
  isRecord,
  MODEL_PARAMETER_KEYS,
  modelParameters,
  record,
  text,
  type JsonRecord,
} from './fields';

export const BEDROCK_SCHEMA_TYPE = 'ModelInvocationLog';

export function isBedrockInvocationLog(line: JsonRecord): boolean {
  return line['schemaType'] === BEDROCK_SCHEMA_TYPE;
}

/** `arn:aws:bedrock:…:inference-profile/us.anthropic.claude…` → `us.anthropic.claude…`; plain ids unchanged. */
export function bedrockModelName(modelId: string): string {
  return modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
}

export function parseBedrock(line: JsonRecord, context: ParseContext): ParseResult {
  const modelId = text(line['modelId'], 300);
  if (modelId === undefined) return { kind: 'skip', reason: 'Bedrock invocation log without a modelId' };
  const input = record(line['input']) ?? {};
  const output = record(line['output']) ?? {};
  const requestBody = record(input['inputBodyJson']);
  const responseBody = output['outputBodyJson'];
  const metrics = invocationMetrics(responseBody);
  const startNs = isoToNs(line['timestamp']);
  const times = callTimes({ startNs, durationNs: metrics.latencyNs }, context.eventTimeNs);
  const bodyUsage = record(record(responseBody)?.['usage']);
  const error = readError({ type: line['errorCode'], message: line['errorMessage'] }) ?? readError(output['error']);
  const requestId = text(line['requestId']);
  return {
    kind: 'call',
    call: {
      format: LLM_FORMATS.bedrock,
      model: bedrockModelName(modelId),
      provider: 'bedrock',
      ...times,
      completionStartNs: metrics.firstByteNs !== undefined ? times.startNs + metrics.firstByteNs : undefined,
      requestId,
      operation: undefined,
      tags: [],
      // Later configs win, as spreading them in this order would give; the first object is fresh, so it is the target.
      modelParameters: Object.assign(
        modelParameters(requestBody, MODEL_PARAMETER_KEYS),
        modelParameters(record(requestBody?.['inferenceConfig'])),
        modelParameters(record(requestBody?.['textGenerationConfig'])),
      ),
      // Bedrock's inputTokenCount excludes the cache counts: they are separate buckets already.
      usage: exclusiveUsage({
        prompt: count(input['inputTokenCount']) ?? firstCount(bodyUsage, ['inputTokens', 'input_tokens']),
        output: count(output['outputTokenCount']) ?? firstCount(bodyUsage, ['outputTokens', 'output_tokens']),
        cacheRead:
          count(input['cacheReadInputTokenCount']) ?? firstCount(bodyUsage, ['cacheReadInputTokens', 'cache_read_input_tokens']),
        cacheWrite:
          count(input['cacheWriteInputTokenCount']) ??
          firstCount(bodyUsage, ['cacheWriteInputTokens', 'cache_creation_input_tokens']),
        promptIncludesCache: false,
      }),
      error,
      failed: error !== undefined,
      input: requestBody ?? s3Reference(input['inputBodyS3Path']),
      output: responseBody ?? s3Reference(output['outputBodyS3Path']),
      metadata: withRequestMetadata(record(line['requestMetadata']), {
        bedrock_operation: text(line['operation'], 64),
        bedrock_model_id: modelId,
        bedrock_region: text(line['region'], 32),
        bedrock_inference_region: text(line['inferenceRegion'], 32),
        caller_arn: text(record(line['identity'])?.['arn'], 512),
      }),
    },
  };
}

/**
 * The caller's request metadata, then Bedrock's own fields (which win). Most logs carry none: then the fields object
 * is the metadata, rather than a copy of it grown key by key after a spread of nothing.
 */
function withRequestMetadata(requestMetadata: JsonRecord | undefined, bedrockFields: JsonRecord): JsonRecord {
  return requestMetadata === undefined ? bedrockFields : { ...requestMetadata, ...bedrockFields };
}

/** Bodies too large for the log line live in S3; Langfuse gets the pointer, not the content. */
function s3Reference(path: unknown): unknown {
  const location = text(path, 1024);
  return location === undefined ? undefined : { s3_path: location };
}

interface InvocationMetrics {
  readonly latencyNs?: bigint;
  readonly firstByteNs?: bigint;
}

/** Converse: `{metrics: {latencyMs}}`; streamed InvokeModel: the last chunk's `amazon-bedrock-invocationMetrics`. */
function invocationMetrics(body: unknown): InvocationMetrics {
  const converse = record(record(body)?.['metrics']);
  if (converse !== undefined) return { latencyNs: durationMsToNs(converse['latencyMs']) };
  const chunks = Array.isArray(body) ? body : isRecord(body) ? [body] : [];
  for (let i = chunks.length - 1; i >= 0; i -= 1) {
    const metrics = record(record(chunks[i])?.['amazon-bedrock-invocationMetrics']);
    if (metrics !== undefined) {
      return {
        latencyNs: durationMsToNs(metrics['invocationLatency']),
        firstByteNs: durationMsToNs(metrics['firstByteLatency']),
      };
    }
  }
  return {};
}
