import { Template } from 'aws-cdk-lib/assertions';
import {
  InsightFilter,
  MAX_INSIGHT_RULE_DEFINITION_CHARS,
  MAX_INSIGHT_RULE_NAME_LENGTH,
  USER_BURST_RULES,
  planUserBurstRules,
} from '../../../lib/monitoring/user-burst-rules';
import { buildEnvironment, syntheticCatalogue } from '../../support/app';
import { JsonLine, LINES_BY_FORMAT, readLine, schemaDeclares, valueAt } from './llm-lines';

/** Contributor Insights' filter semantics over one line. */
function passes(filter: InsightFilter, line: JsonLine): boolean {
  const value = valueAt(line, filter.field);
  if ('in' in filter) return typeof value === 'string' && filter.in.includes(value);
  return value !== undefined && value !== null;
}
const counts = (rowId: string, file: string) => {
  const row = USER_BURST_RULES.find((r) => r.id === rowId)!;
  const line = readLine(file);
  return row.filters.every((f) => passes(f, line)) && typeof valueAt(line, row.userField) === 'string';
};

describe('per-user burst rules (Contributor Insights)', () => {
  test('each rule keys on a user field its format really carries, and counts only that format', () => {
    for (const row of USER_BURST_RULES) {
      for (const file of LINES_BY_FORMAT[row.reads]) {
        expect({ row: row.id, file, counted: counts(row.id, file) }).toEqual({ row: row.id, file, counted: true });
      }
    }
    expect(counts('project-schema', 'litellm-standard-logging-payload.json')).toBe(false);
    expect(counts('litellm', 'llm-call-v1.success.json')).toBe(false);
    expect(counts('project-schema', 'openai-chat-completion.json')).toBe(false);
    expect(counts('litellm', 'not-llm.application-error.json')).toBe(false);
    expect(schemaDeclares('user_id')).toBe(true);
    expect(schemaDeclares('schema')).toBe(true);
  });

  test('the synthesized rules count calls per user over exactly the llm groups', () => {
    const { environment } = buildEnvironment('prod');
    const rules = Template.fromStack(environment.monitoring).findResources('AWS::CloudWatch::InsightRule');
    const bodies = Object.values(rules).map((r) => ({ name: r.Properties.RuleName, state: r.Properties.RuleState, body: JSON.parse(r.Properties.RuleBody) }));
    expect(bodies.map((b) => b.name).sort()).toEqual([
      'central-logging-prod-llm-calls-per-user-litellm-1',
      'central-logging-prod-llm-calls-per-user-project-schema-1',
    ]);
    const project = bodies.find((b) => b.name.includes('project-schema'))!;
    expect(project.state).toBe('ENABLED');
    expect(project.body).toEqual({
      Schema: { Name: 'CloudWatchLogRule', Version: 1 },
      LogGroupNames: ['/aws/ecs/api/llm', '/aws/ecs/atlantis/llm'],
      LogFormat: 'JSON',
      Contribution: { Keys: ['$.user_id'], Filters: [{ Match: '$.schema', In: ['llm-call/v1'] }] },
      AggregateOn: 'Count',
    });
    const litellm = bodies.find((b) => b.name.includes('litellm'))!;
    expect(litellm.body.Contribution).toEqual({
      Keys: ['$.end_user'],
      Filters: [
        { Match: '$.call_type', IsPresent: true },
        { Match: '$.end_user', IsPresent: true },
      ],
    });
  });

  test('a 1,000-service catalogue splits into rules under 8,192 characters covering every llm group once', () => {
    const groups = syntheticCatalogue(1000).map((s) => `/aws/ecs/${s.name}/llm`);
    const planned = planUserBurstRules('prod', groups);
    for (const row of USER_BURST_RULES) {
      const runs = planned.filter((p) => p.row.id === row.id);
      expect(runs.length).toBeGreaterThan(1);
      expect(runs.flatMap((r) => r.logGroupNames)).toEqual([...groups].sort());
      for (const run of runs) {
        expect(run.definition.length).toBeLessThanOrEqual(MAX_INSIGHT_RULE_DEFINITION_CHARS);
        expect(run.ruleName.length).toBeLessThanOrEqual(MAX_INSIGHT_RULE_NAME_LENGTH);
        expect(run.parts).toBe(runs.length);
      }
    }
  });

  test('adding a group changes only the runs from its place on', () => {
    const groups = syntheticCatalogue(600).map((s) => `/aws/ecs/${s.name}/llm`);
    const before = planUserBurstRules('prod', groups);
    const after = planUserBurstRules('prod', [...groups, '/aws/ecs/zz-new/llm']);
    const projectBefore = before.filter((p) => p.row.id === 'project-schema');
    const projectAfter = after.filter((p) => p.row.id === 'project-schema');
    for (let i = 0; i < projectBefore.length - 1; i++) expect(projectAfter[i].definition).toBe(projectBefore[i].definition);
  });

  test('an environment without llm groups has no rule', () => {
    expect(planUserBurstRules('prod', [])).toEqual([]);
    const { environment } = buildEnvironment('prod', {
      config: { services: [{ service: 'ecs', name: 'web', types: ['application', 'errors'] }], exportTypes: [] },
    });
    Template.fromStack(environment.monitoring).resourceCountIs('AWS::CloudWatch::InsightRule', 0);
  });
});
