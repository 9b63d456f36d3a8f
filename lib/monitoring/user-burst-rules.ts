import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { JsonField, selector } from './json-filter-pattern';
import { LlmLogFormat } from './llm-metric-filters';

/** CloudWatch's limits on a Contributor Insights rule (PutInsightRule). */
export const MAX_INSIGHT_RULE_DEFINITION_CHARS = 8192;
export const MAX_INSIGHT_RULE_NAME_LENGTH = 128;
/** Rules per account and region (a soft quota): the environment's rules must leave room for others. */
export const MAX_INSIGHT_RULES_PER_REGION = 100;

/** A Contributor Insights filter: the field must be present, or hold one of the values. */
export type InsightFilter =
  | { readonly field: JsonField; readonly isPresent: true }
  | { readonly field: JsonField; readonly in: readonly string[] };

/** One way of naming the user in an `llm` line: each becomes a rule counting calls per user. */
export interface UserBurstRuleRow {
  /** Stable: part of the rule and alarm names. */
  readonly id: string;
  readonly reads: LlmLogFormat;
  /** The field holding the (pseudonymous) user id: the contributor key. */
  readonly userField: JsonField;
  /** Lines of other formats must not count. */
  readonly filters: readonly InsightFilter[];
}

/**
 * Calls per user, counted by Contributor Insights rather than one metric per user: a metric per user id would be an
 * unbounded number of custom metrics (and a metric filter with a user dimension is disabled past 1,000 values an
 * hour). A user is the project schema's `user_id`, or LiteLLM's `end_user`.
 */
export const USER_BURST_RULES: readonly UserBurstRuleRow[] = [
  {
    id: 'project-schema',
    reads: 'llm-call/v1',
    userField: 'user_id',
    filters: [{ field: 'schema', in: ['llm-call/v1'] }],
  },
  {
    id: 'litellm',
    reads: 'litellm-standard-logging-payload',
    userField: 'end_user',
    filters: [
      { field: 'call_type', isPresent: true },
      { field: 'end_user', isPresent: true },
    ],
  },
];

/** The rule's JSON definition over some groups. */
export function userBurstRuleDefinition(row: UserBurstRuleRow, logGroupNames: readonly string[]): string {
  return JSON.stringify({
    Schema: { Name: 'CloudWatchLogRule', Version: 1 },
    LogGroupNames: logGroupNames,
    LogFormat: 'JSON',
    Contribution: {
      Keys: [selector(row.userField)],
      Filters: row.filters.map((f) =>
        'in' in f ? { Match: selector(f.field), In: [...f.in] } : { Match: selector(f.field), IsPresent: true },
      ),
    },
    AggregateOn: 'Count',
  });
}

/** One rule to create: a row over one run of groups that fits a definition. */
export interface PlannedUserBurstRule {
  readonly row: UserBurstRuleRow;
  readonly ruleName: string;
  readonly logGroupNames: readonly string[];
  readonly definition: string;
  readonly part: number;
  readonly parts: number;
}

/**
 * Splits the `llm` groups (in name order, so adding one changes only the runs after it) into runs whose definition
 * fits CloudWatch's 8,192 characters, one rule per row and run. A user is counted per run, so a burst spread over
 * groups of different runs is seen per run (a run holds a couple of hundred groups).
 */
export function planUserBurstRules(
  environment: string,
  llmGroupNames: readonly string[],
  rows: readonly UserBurstRuleRow[] = USER_BURST_RULES,
): PlannedUserBurstRule[] {
  if (llmGroupNames.length === 0) return [];
  const names = [...llmGroupNames].sort();
  const planned: PlannedUserBurstRule[] = [];
  for (const row of rows) {
    const runs: string[][] = [];
    for (const name of names) {
      const current = runs[runs.length - 1];
      if (current && userBurstRuleDefinition(row, [...current, name]).length <= MAX_INSIGHT_RULE_DEFINITION_CHARS) {
        current.push(name);
      } else {
        if (userBurstRuleDefinition(row, [name]).length > MAX_INSIGHT_RULE_DEFINITION_CHARS) {
          throw new Error(`log group name "${name}" does not fit a Contributor Insights rule definition`);
        }
        runs.push([name]);
      }
    }
    runs.forEach((logGroupNames, index) => {
      const ruleName = `${PROJECT}-${environment}-llm-calls-per-user-${row.id}-${index + 1}`;
      if (ruleName.length > MAX_INSIGHT_RULE_NAME_LENGTH) {
        throw new Error(`Contributor Insights rule name "${ruleName}" is longer than ${MAX_INSIGHT_RULE_NAME_LENGTH} characters`);
      }
      planned.push({
        row,
        ruleName,
        logGroupNames,
        definition: userBurstRuleDefinition(row, logGroupNames),
        part: index + 1,
        parts: runs.length,
      });
    });
  }
  if (planned.length > MAX_INSIGHT_RULES_PER_REGION) {
    throw new Error(
      `${environment}: ${planned.length} Contributor Insights rules exceed the ${MAX_INSIGHT_RULES_PER_REGION} per region; raise the quota or shorten the group names`,
    );
  }
  return planned;
}

/** The Contributor Insights rule of one plan; `ruleName` is its token, so alarms on it wait for it. */
export class UserBurstRule extends Construct {
  public readonly ruleName: string;
  public readonly plan: PlannedUserBurstRule;

  constructor(scope: Construct, id: string, plan: PlannedUserBurstRule) {
    super(scope, id);
    this.plan = plan;
    const rule = new cloudwatch.CfnInsightRule(this, 'Resource', {
      ruleName: plan.ruleName,
      ruleState: 'ENABLED',
      ruleBody: plan.definition,
    });
    this.ruleName = rule.attrRuleName;
  }
}
