import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { LLM_METRICS, LLM_METRICS_NAMESPACE, LlmMetricKey, MODEL_DIMENSION } from './llm-metric-filters';

type ByModel = { [K in LlmMetricKey]: (typeof LLM_METRICS)[K]['byModel'] extends true ? K : never }[LlmMetricKey];
type Undimensioned = Exclude<LlmMetricKey, ByModel>;

/** Metrics Insights aggregations an alarm can use (percentiles are not among them). */
export type InsightsFunction = 'MAX' | 'SUM' | 'AVG';

/**
 * A by-model metric aggregated over every model with Metrics Insights: alarms accept such a query (up to 200 per
 * region), unlike a SEARCH expression, and it needs no list of models at synth.
 */
export function acrossModels(metric: ByModel, fn: InsightsFunction, period: Duration, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SELECT ${fn}(${LLM_METRICS[metric].name}) FROM SCHEMA("${LLM_METRICS_NAMESPACE}", ${MODEL_DIMENSION})`,
    usingMetrics: {},
    period,
    label,
  });
}

/** One line per model, for graphs (SEARCH cannot be alarmed on). */
export function perModel(metric: ByModel, statistic: string, period: Duration): cloudwatch.SearchExpression {
  const name = LLM_METRICS[metric].name;
  return new cloudwatch.SearchExpression({
    expression: `SEARCH('{${LLM_METRICS_NAMESPACE},${MODEL_DIMENSION}} MetricName="${name}"', '${statistic}', ${period.toSeconds()})`,
    label: '',
    period,
  });
}

/** An undimensioned LLM metric (latency, failed calls). */
export function llmMetric(metric: Undimensioned, statistic: string, period: Duration, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: LLM_METRICS_NAMESPACE,
    metricName: LLM_METRICS[metric].name,
    statistic,
    period,
    label,
  });
}

/**
 * Failed calls as a percentage of calls, and 0 while the period holds fewer than `minimumCalls` calls (a few failures
 * among a handful of calls is not a rate). Calls are LatencyMs's sample count; FailedCalls counts only lines that
 * LatencyMs also counts, so the rate never exceeds 100.
 */
export function llmErrorRate(minimumCalls: number, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `IF(calls >= ${minimumCalls}, 100 * FILL(failed, 0) / calls, 0)`,
    usingMetrics: {
      calls: llmMetric('latencyMs', 'SampleCount', period),
      failed: llmMetric('failedCalls', 'Sum', period),
    },
    period,
    label: 'Failed LLM calls (%)',
  });
}
