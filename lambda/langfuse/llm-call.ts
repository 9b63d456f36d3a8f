/**
 * The one normalised shape every input format is parsed into. The span mapper only ever sees this, so a new input
 * format is one parser, never a change to the mapping.
 */

/** Names of the input formats, as counted in metrics and written to the observation metadata. */
export const LLM_FORMATS = {
  projectSchema: 'llm-call/v1',
  openaiChat: 'openai-chat-completions',
  openaiResponses: 'openai-responses',
  anthropicMessages: 'anthropic-messages',
  bedrock: 'bedrock-invocation-log',
  litellm: 'litellm-standard-logging',
  otelGenAi: 'otel-genai',
} as const;

export type LlmFormat = (typeof LLM_FORMATS)[keyof typeof LLM_FORMATS];

/**
 * Token counts as mutually exclusive buckets (Langfuse's usage contract): `input` excludes cache reads and writes,
 * so `input + cacheRead + cacheWrite` is every prompt token and `total` is the sum of all buckets.
 */
export interface LlmUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly total: number;
}

export type ModelParameterValue = string | number | boolean | null;

export interface LlmError {
  readonly type?: string;
  readonly message: string;
}

export interface LlmCall {
  readonly format: LlmFormat;
  readonly model: string;
  readonly provider?: string;
  /** Unix nanoseconds. bigint keeps the precision that OTLP's nanosecond strings carry. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  /** When the first token arrived, if the log says (streaming calls). */
  readonly completionStartNs?: bigint;
  /** The log's own trace id, raw (normalised to 32 hex by the id module). */
  readonly traceId?: string;
  /** The log's own span id and parent span id, kept only as metadata. */
  readonly sourceSpanId?: string;
  readonly requestId?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  /** Masked API key id; the mapper re-masks anything that does not look masked. */
  readonly apiKeyId?: string;
  readonly service?: string;
  /** What the call was for; becomes the trace name. */
  readonly operation?: string;
  readonly environment?: string;
  readonly release?: string;
  readonly tags: readonly string[];
  readonly modelParameters: Readonly<Record<string, ModelParameterValue>>;
  readonly usage?: LlmUsage;
  /** Cost in USD as the log reported it; when absent the price table is used. */
  readonly costUsd?: number;
  readonly statusCode?: number;
  readonly error?: LlmError;
  /** True when the log itself says the call failed (status, level or error present). */
  readonly failed: boolean;
  /** Log level as written (DEBUG/INFO/WARN/ERROR), when the format has one. */
  readonly level?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  /** The log's own metadata, flat or nested; the mapper flattens it into trace metadata. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** What a parser returns: a call, or the reason the line is not (or not a usable) LLM call of that format. */
export type ParseResult =
  | { readonly kind: 'call'; readonly call: LlmCall }
  | { readonly kind: 'skip'; readonly reason: string };
