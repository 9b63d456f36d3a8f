import { Template } from 'aws-cdk-lib/assertions';
import { MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP } from '../../../lib/config/resolve';
import { renderJsonFilterPattern } from '../../../lib/monitoring/json-filter-pattern';
import {
  LLM_METRICS,
  LLM_METRICS_NAMESPACE,
  LLM_METRIC_FILTERS,
  LlmLogFormat,
  MAX_METRIC_FILTERS_PER_LLM_GROUP,
} from '../../../lib/monitoring/llm-metric-filters';
import { MAX_GROUPS_PER_SHARD, MAX_RESOURCES_PER_STACK } from '../../../lib/stacks/log-groups-stack';
import { TEST_SECRETS, buildEnvironment } from '../../support/app';
import { ALL_LINES, LINES_BY_FORMAT, holds, readLine, schemaDeclares, selectorsIn, valueAt } from './llm-lines';

const WITH_LANGFUSE = { langfuse: { publicKey: 'pk-lf-0a1b2c3d' } };

/** Every LLM metric filter of the synthesized prod wiring stacks. */
function synthesizedFilters() {
  const { environment } = buildEnvironment('prod', { secrets: TEST_SECRETS, config: WITH_LANGFUSE });
  return environment.wiringShards.flatMap((stack) =>
    Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'))
      .map((r) => r.Properties)
      .filter((p) => p.FilterName.startsWith('central-logging-llm-')),
  );
}

describe('LLM metric filters', () => {
  const filters = synthesizedFilters();

  test('every llm group gets every row, and no other group gets any', () => {
    const groups = new Set(filters.map((f) => f.LogGroupName));
    expect([...groups].sort()).toEqual(['/aws/ecs/api/llm', '/aws/ecs/atlantis/llm']);
    for (const group of groups) {
      expect(filters.filter((f) => f.LogGroupName === group).map((f) => f.FilterName).sort()).toEqual(
        LLM_METRIC_FILTERS.map((row) => `central-logging-llm-${row.id}`).sort(),
      );
    }
  });

  test('patterns, values and dimensions are the ones the alarms and dashboard read', () => {
    const byName = (id: string) => filters.find((f) => f.LogGroupName === '/aws/ecs/api/llm' && f.FilterName === `central-logging-llm-${id}`);
    expect(byName('InputTokens')).toMatchObject({
      FilterPattern: '{ $.usage.prompt_tokens >= 0 }',
      MetricTransformations: [
        { MetricNamespace: LLM_METRICS_NAMESPACE, MetricName: 'InputTokens', MetricValue: '$.usage.prompt_tokens', Unit: 'Count', Dimensions: [{ Key: 'Model', Value: '$.model' }] },
      ],
    });
    expect(byName('BedrockInputTokens')).toMatchObject({
      FilterPattern: '{ $.input.inputTokenCount >= 0 }',
      MetricTransformations: [{ MetricName: 'InputTokens', MetricValue: '$.input.inputTokenCount', Dimensions: [{ Key: 'Model', Value: '$.modelId' }] }],
    });
    expect(byName('OutputTokens')?.MetricTransformations[0]).toMatchObject({ MetricName: 'OutputTokens', MetricValue: '$.usage.completion_tokens' });
    expect(byName('CostUsd')?.MetricTransformations[0]).toMatchObject({ MetricName: 'CostUsd', MetricValue: '$.cost_usd' });
    expect(byName('LatencyMs')?.MetricTransformations[0]).toMatchObject({ MetricName: 'LatencyMs', MetricValue: '$.latency_ms', Unit: 'Milliseconds' });
    expect(byName('LatencyMs')?.MetricTransformations[0].Dimensions).toBeUndefined();
    expect(byName('FailedCalls')).toMatchObject({
      FilterPattern: '{ ($.latency_ms >= 0) && ($.status_code >= 400) }',
      MetricTransformations: [{ MetricName: 'FailedCalls', MetricValue: '1', Unit: 'Count' }],
    });
  });

  test('every field a synthesized filter reads exists in a realistic line of each format it was written for', () => {
    for (const row of LLM_METRIC_FILTERS) {
      const synthesized = filters.find((f) => f.FilterName === `central-logging-llm-${row.id}`);
      const transformation = synthesized.MetricTransformations[0];
      const fields = [
        ...selectorsIn(synthesized.FilterPattern),
        ...selectorsIn(transformation.MetricValue),
        ...(transformation.Dimensions ?? []).flatMap((d: { Value: string }) => selectorsIn(d.Value)),
      ];
      expect(fields.length).toBeGreaterThan(0);
      for (const format of row.reads) {
        for (const file of LINES_BY_FORMAT[format]) {
          const line = readLine(file);
          for (const field of fields) {
            expect({ row: row.id, file, field, present: valueAt(line, field) !== undefined }).toEqual({ row: row.id, file, field, present: true });
          }
        }
      }
    }
  });

  test('fields read from the project schema are declared by schemas/llm-event.schema.json', () => {
    const projectRows = LLM_METRIC_FILTERS.filter((row) => row.reads.includes('llm-call/v1'));
    expect(projectRows.map((r) => r.metric).sort()).toEqual(Object.keys(LLM_METRICS).sort());
    for (const row of projectRows) {
      const fields = [...row.when.map((c) => c.field), ...(row.value === 1 ? [] : [row.value]), ...(row.modelField ? [row.modelField] : [])];
      for (const field of fields) expect({ row: row.id, field, declared: schemaDeclares(field) }).toEqual({ row: row.id, field, declared: true });
    }
  });

  test('each filter matches the lines of its formats and publishes their numbers; no filter matches a non-LLM line', () => {
    const matches = (file: string) =>
      LLM_METRIC_FILTERS.filter((row) => row.when.every((c) => holds(c, readLine(file)))).map((row) => row.id).sort();
    expect(matches('llm-call-v1.success.json')).toEqual(['CostUsd', 'InputTokens', 'LatencyMs', 'OutputTokens']);
    expect(matches('llm-call-v1.rate-limited.json')).toEqual(['CostUsd', 'FailedCalls', 'InputTokens', 'LatencyMs', 'OutputTokens']);
    expect(matches('openai-chat-completion.json')).toEqual(['InputTokens', 'OutputTokens']);
    expect(matches('bedrock-invocation-log.json')).toEqual(['BedrockInputTokens']);
    // An application error with an HTTP status but no latency_ms is not an LLM call, so not a failed one.
    expect(matches('not-llm.application-error.json')).toEqual([]);

    const success = readLine('llm-call-v1.success.json');
    const input = LLM_METRIC_FILTERS.find((r) => r.id === 'InputTokens')!;
    expect(valueAt(success, input.value as string)).toBe(1832);
    expect(valueAt(success, input.modelField!)).toBe('gpt-4o-2024-08-06');
    expect(valueAt(readLine('bedrock-invocation-log.json'), 'input.inputTokenCount')).toBe(38);
  });

  test('a metric carries the Model dimension on every row or on none (one series per metric and model)', () => {
    for (const row of LLM_METRIC_FILTERS) {
      expect({ row: row.id, byModel: row.modelField !== undefined }).toEqual({ row: row.id, byModel: LLM_METRICS[row.metric].byModel });
    }
  });

  test('formats named by rows all have fixture lines', () => {
    const formats = new Set<LlmLogFormat>(LLM_METRIC_FILTERS.flatMap((row) => row.reads));
    for (const format of formats) expect(LINES_BY_FORMAT[format].length).toBeGreaterThan(0);
    expect(ALL_LINES.length).toBeGreaterThan(formats.size);
  });

  test('an llm group stays within its 8-resource share of a wiring shard, even with two subscriptions', () => {
    // Langfuse + the archive on llm groups: the worst case the budget allows.
    const { environment } = buildEnvironment('prod', {
      secrets: TEST_SECRETS,
      config: { ...WITH_LANGFUSE, exportTypes: ['llm'] },
    });
    expect(LLM_METRIC_FILTERS.length).toBeLessThanOrEqual(MAX_METRIC_FILTERS_PER_LLM_GROUP);
    const perGroup = new Map<string, number>();
    for (const stack of environment.wiringShards) {
      const template = Template.fromStack(stack).toJSON();
      for (const resource of Object.values<any>(template.Resources)) {
        const group = resource.Properties?.LogGroupName;
        if (typeof group === 'string' && group.endsWith('/llm')) perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
      }
    }
    expect([...perGroup.values()]).toEqual([8, 8]);
    expect(MAX_METRIC_FILTERS_PER_LLM_GROUP + MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP).toBe(8);
    expect(MAX_GROUPS_PER_SHARD * 8).toBeLessThanOrEqual(MAX_RESOURCES_PER_STACK);
  });

  test('patterns are rendered from data and refuse a field CloudWatch could not select', () => {
    expect(renderJsonFilterPattern([{ field: 'schema', op: '=', value: 'llm-call/v1' }])).toBe('{ $.schema = "llm-call/v1" }');
    expect(() => renderJsonFilterPattern([{ field: 'usage.prompt tokens', op: '>=', value: 0 }])).toThrow(/not a JSON field path/);
    expect(() => renderJsonFilterPattern([])).toThrow(/at least one condition/);
  });
});
