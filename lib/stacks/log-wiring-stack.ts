import { Stack, StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP, PlannedLogGroup, ResolvedEnvironment } from '../config/resolve';
import { isRegexPattern, MAX_REGEX_FILTER_PATTERNS_PER_LOG_GROUP } from '../forwarders/filter-patterns';

export interface LogWiringStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The groups of the log-group shard this stack mirrors (same ledger, so wiring never moves either). */
  readonly groups: readonly PlannedLogGroup[];
}

/**
 * Stateless twin of one log-group shard: what attaches to those groups (subscription filters, metric filters).
 * It refers to the groups by name, so it needs no cross-stack exports from the stateful shard and can be replaced
 * freely. A subscription filter that moved between stacks would be deleted by the old stack after the new one
 * created it, so this shard mirrors the ledger exactly like its groups.
 */
export class LogWiringStack extends Stack {
  public readonly loggingEnvironment: ResolvedEnvironment;
  public readonly groups: readonly PlannedLogGroup[];

  constructor(scope: Construct, id: string, props: LogWiringStackProps) {
    super(scope, id, props);
    this.loggingEnvironment = props.environment;
    // Whoever adds filters here (forwarders, archive export, metric filters), CloudWatch's per-group caps hold.
    this.node.addValidation({ validate: () => filterLimitProblems(this) });
    this.groups = props.groups;
  }
}

/**
 * At most `MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP` subscription filters per group, and at most
 * `MAX_REGEX_FILTER_PATTERNS_PER_LOG_GROUP` regex patterns among its subscription and metric filters.
 */
function filterLimitProblems(stack: Stack): string[] {
  const subscriptions = new Map<string, number>();
  const regexes = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const child of stack.node.findAll()) {
    if (!(child instanceof logs.CfnSubscriptionFilter || child instanceof logs.CfnMetricFilter)) continue;
    const group = stack.resolve(child.logGroupName);
    if (typeof group !== 'string') continue;
    if (child instanceof logs.CfnSubscriptionFilter) bump(subscriptions, group);
    if (isRegexPattern(String(stack.resolve(child.filterPattern)))) bump(regexes, group);
  }
  return [
    ...[...subscriptions]
      .filter(([, n]) => n > MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP)
      .map(([g, n]) => `log group ${g} has ${n} subscription filters; CloudWatch allows ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP}`),
    ...[...regexes]
      .filter(([, n]) => n > MAX_REGEX_FILTER_PATTERNS_PER_LOG_GROUP)
      .map(([g, n]) => `log group ${g} has ${n} regex filter patterns; CloudWatch allows ${MAX_REGEX_FILTER_PATTERNS_PER_LOG_GROUP}`),
  ];
}
