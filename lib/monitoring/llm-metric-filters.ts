import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { JsonCondition, JsonField, renderJsonFilterPattern, selector } from './json-filter-pattern';

/** Where the metric filters of `llm` groups publish. One account per environment, so no environment in it. */
export const LLM_METRICS_NAMESPACE = 'CentralLogging/LLM';
/** The dimension of the by-model metrics: a handful of values (models), never users. */
export const MODEL_DIMENSION = 'Model';

/**
 * The LLM metrics. A metric either always carries the `Model` dimension or never does: alarms over all models read
 * the by-model ones through Metrics Insights, and p95 latency needs the undimensioned series (percentiles of
 * different series cannot be combined).
 */
export const LLM_METRICS = {
  inputTokens: { name: 'InputTokens', unit: 'Count', byModel: true },
  outputTokens: { name: 'OutputTokens', unit: 'Count', byModel: true },
  costUsd: { name: 'CostUsd', unit: 'None', byModel: true },
  /** Also the call count: its SampleCount is the number of llm-call/v1 events (latency_ms is required there). */
  latencyMs: { name: 'LatencyMs', unit: 'Milliseconds', byModel: false },
  failedCalls: { name: 'FailedCalls', unit: 'Count', byModel: false },
} as const;
export type LlmMetricKey = keyof typeof LLM_METRICS;

/** The log formats of `llm` groups that the filters and Contributor Insights rules read (tests hold one line of each). */
export type LlmLogFormat = 'llm-call/v1' | 'openai-chat-completion' | 'bedrock-invocation-log' | 'litellm-standard-logging-payload';

/** One metric filter: which lines it matches, what it publishes, and the formats it was written for. */
export interface LlmMetricFilterRow {
  /** Stable: construct id and filter name. */
  readonly id: string;
  readonly metric: LlmMetricKey;
  /** The formats whose lines this filter reads (tests hold a realistic line of each). */
  readonly reads: readonly LlmLogFormat[];
  /** The line matches when every condition holds. */
  readonly when: readonly JsonCondition[];
  /** The field whose number is published, or 1 to count matching lines. */
  readonly value: JsonField | 1;
  /** The field that fills the `Model` dimension (by-model metrics only). */
  readonly modelField?: JsonField;
}

/**
 * CloudWatch Logs per-group budget: the wiring stack holds at most 8 resources per group (2 subscription filters
 * and these), which is what lets `MAX_GROUPS_PER_SHARD` groups share a stack.
 */
export const MAX_METRIC_FILTERS_PER_LLM_GROUP = 6;

/**
 * The filters of every `llm` group. The project's schema (llm-call/v1) gets all five metrics; OpenAI chat
 * completions share its `usage.*_tokens` names, so their lines count too. Bedrock's invocation log (which Bedrock
 * writes to CloudWatch itself, so it cannot adopt our schema) gets its input tokens, for the large-prompt alarm.
 * The budget leaves no room for more formats: Langfuse and the saved queries read the rest.
 */
export const LLM_METRIC_FILTERS: readonly LlmMetricFilterRow[] = [
  {
    id: 'InputTokens',
    metric: 'inputTokens',
    reads: ['llm-call/v1', 'openai-chat-completion'],
    when: [{ field: 'usage.prompt_tokens', op: '>=', value: 0 }],
    value: 'usage.prompt_tokens',
    modelField: 'model',
  },
  {
    id: 'BedrockInputTokens',
    metric: 'inputTokens',
    reads: ['bedrock-invocation-log'],
    when: [{ field: 'input.inputTokenCount', op: '>=', value: 0 }],
    value: 'input.inputTokenCount',
    modelField: 'modelId',
  },
  {
    id: 'OutputTokens',
    metric: 'outputTokens',
    reads: ['llm-call/v1', 'openai-chat-completion'],
    when: [{ field: 'usage.completion_tokens', op: '>=', value: 0 }],
    value: 'usage.completion_tokens',
    modelField: 'model',
  },
  {
    id: 'CostUsd',
    metric: 'costUsd',
    reads: ['llm-call/v1'],
    when: [{ field: 'cost_usd', op: '>=', value: 0 }],
    value: 'cost_usd',
    modelField: 'model',
  },
  {
    id: 'LatencyMs',
    metric: 'latencyMs',
    reads: ['llm-call/v1'],
    when: [{ field: 'latency_ms', op: '>=', value: 0 }],
    value: 'latency_ms',
  },
  {
    // Only lines LatencyMs also counts, so failures never exceed calls in the error rate.
    id: 'FailedCalls',
    metric: 'failedCalls',
    reads: ['llm-call/v1'],
    when: [
      { field: 'latency_ms', op: '>=', value: 0 },
      { field: 'status_code', op: '>=', value: 400 },
    ],
    value: 1,
  },
];

/** The metric filter's properties for one row on one group (also what the tests compare with). */
export function metricFilterProps(row: LlmMetricFilterRow, logGroupName: string): logs.CfnMetricFilterProps {
  const metric = LLM_METRICS[row.metric];
  return {
    logGroupName,
    filterName: `${PROJECT}-llm-${row.id}`,
    filterPattern: renderJsonFilterPattern(row.when),
    metricTransformations: [
      {
        metricNamespace: LLM_METRICS_NAMESPACE,
        metricName: metric.name,
        metricValue: row.value === 1 ? '1' : selector(row.value),
        unit: metric.unit,
        dimensions: row.modelField ? [{ key: MODEL_DIMENSION, value: selector(row.modelField) }] : undefined,
      },
    ],
  };
}

export interface LlmMetricFiltersProps {
  /** The `llm` group, by name (the wiring stack refers to groups by name). */
  readonly logGroupName: string;
}

/** The LLM metric filters of one `llm` group, in that group's wiring stack. */
export class LlmMetricFilters extends Construct {
  constructor(scope: Construct, id: string, props: LlmMetricFiltersProps) {
    super(scope, id);
    for (const row of LLM_METRIC_FILTERS) {
      new logs.CfnMetricFilter(this, row.id, metricFilterProps(row, props.logGroupName));
    }
  }
}
