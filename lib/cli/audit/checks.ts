import { LOG_TYPES } from '../../config/log-types';
import { PlannedLogGroup, ResolvedEnvironment } from '../../config/resolve';
import { FORWARDER_DESTINATIONS, ForwarderDestination, forwarderFunctionName, forwarderLogGroupName } from '../../forwarders/forwarder-names';
import { subscriptionFilterName } from '../../forwarders/forwarder-subscriptions';
import { parseLogGroupName } from '../../naming';
import { AuditReport, Finding, LiveKey, LiveLogGroup } from './audit-model';
import { logGroupTags } from '../../config/log-group-tags';

/** The tags every catalogue group must carry, with their values: the common tags plus the group's own. */
export function expectedTags(environment: Pick<ResolvedEnvironment, 'tags'>, group: PlannedLogGroup): Record<string, string> {
  return { ...environment.tags, ...logGroupTags(group) };
}

const retentionText = (days: number | undefined): string => (days === undefined ? 'never expires' : `${days} days`);

/**
 * The project's own groups outside the catalogue, with the retention they are deployed with: the forwarders' runtime
 * groups (the lambda tier) and the data-protection findings (the audit tier).
 */
export function projectOwnGroups(environment: ResolvedEnvironment): Array<{ readonly name: string; readonly role: string; readonly retentionDays: number }> {
  return [
    ...FORWARDER_DESTINATIONS.filter((d) => environment[d]).map((d) => ({
      name: forwarderLogGroupName(environment.name, d),
      role: `the ${d} forwarder's own group`,
      retentionDays: environment.retention.lambda,
    })),
    ...(environment.logGroups.some((g) => g.dataProtection)
      ? [{ name: environment.dataProtection.findingsLogGroup, role: 'data-protection findings', retentionDays: environment.retention.audit }]
      : []),
  ];
}

export interface AuditInput {
  readonly environment: ResolvedEnvironment;
  /** Every group of the account and region (DescribeLogGroups, all pages). */
  readonly groups: readonly LiveLogGroup[];
  readonly key: LiveKey;
  /** The other environments, to tell their groups from strays when they share the account. */
  readonly otherEnvironments: ReadonlyArray<Pick<ResolvedEnvironment, 'name' | 'logGroups'>>;
  readonly region: string;
  readonly generatedAt: Date;
}

/**
 * Checks the live account against the environment's plan: the key (exists, enabled, rotation on); for every
 * catalogue group its existence, KMS key, retention, tags and forwarder subscriptions; for the project's own groups
 * (forwarders, data-protection findings) their existence, key and retention. Groups under `/aws/` that nothing plans are listed, with whether their
 * name follows the convention.
 */
export function auditEnvironment(input: AuditInput): AuditReport {
  const { environment, key } = input;
  const live = new Map(input.groups.map((g) => [g.name, g]));
  const findings: Finding[] = [...checkKey(key)];
  const check = (subject: string, name: string, pass: boolean, expected: string, actual: string, note?: string): void => {
    findings.push({ subject, check: name, status: pass ? 'pass' : 'fail', expected, actual, ...(note ? { note } : {}) });
  };

  for (const plan of environment.logGroups) {
    const group = live.get(plan.name);
    const note = plan.existing ? 'existed before this project: adopt it with cdk import to bring it under the convention' : undefined;
    check(plan.name, 'exists', !!group, 'present', group ? 'present' : 'missing', group ? undefined : note ?? 'deploy the environment');
    if (!group) continue;
    check(plan.name, 'kms-key', !!key.arn && group.kmsKeyId === key.arn, key.arn ?? key.alias, group.kmsKeyId ?? 'not encrypted with a customer managed key', note);
    check(plan.name, 'retention', group.retentionInDays === plan.retentionDays, retentionText(plan.retentionDays), retentionText(group.retentionInDays), note);
    const wanted = expectedTags(environment, plan);
    const tags = group.tags ?? {};
    const wrong = Object.entries(wanted).filter(([k, v]) => tags[k] !== v);
    check(
      plan.name,
      'tags',
      wrong.length === 0,
      Object.entries(wanted).map(([k, v]) => `${k}=${v}`).join(', '),
      wrong.length === 0 ? 'all present' : wrong.map(([k]) => (tags[k] === undefined ? `${k} missing` : `${k}=${tags[k]}`)).join(', '),
      note,
    );
    findings.push(...checkSubscriptions(environment.name, plan, group));
  }

  for (const own of projectOwnGroups(environment)) {
    const group = live.get(own.name);
    check(own.name, 'exists', !!group, 'present', group ? 'present' : 'missing', own.role);
    if (!group) continue;
    check(own.name, 'kms-key', !!key.arn && group.kmsKeyId === key.arn, key.arn ?? key.alias, group.kmsKeyId ?? 'not encrypted with a customer managed key');
    check(own.name, 'retention', group.retentionInDays === own.retentionDays, retentionText(own.retentionDays), retentionText(group.retentionInDays));
  }

  const planned = new Set([...environment.logGroups.map((g) => g.name), ...projectOwnGroups(environment).map((g) => g.name)]);
  const elsewhere = new Map(input.otherEnvironments.flatMap((e) => e.logGroups.map((g) => [g.name, e.name] as const)));
  const unknownGroups = input.groups
    .filter((g) => g.name.startsWith('/aws/') && !planned.has(g.name))
    .map((g) => ({
      name: g.name,
      retention: retentionText(g.retentionInDays),
      encrypted: !!g.kmsKeyId,
      conventional: followsConvention(g.name),
      note: elsewhere.has(g.name)
        ? `in the catalogue of ${elsewhere.get(g.name)}`
        : `not in any catalogue${followsConvention(g.name) ? '' : ' and breaks the naming convention /aws/<service>/<resource>/<type>'}: add it to the catalogue or migrate and delete it`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const failed = findings.filter((f) => f.status === 'fail').length;
  return {
    environment: environment.name,
    account: accountOf(input.groups, key),
    region: input.region,
    generatedAt: input.generatedAt.toISOString(),
    key,
    findings,
    unknownGroups,
    summary: {
      groupsPlanned: environment.logGroups.length,
      checks: findings.length,
      passed: findings.filter((f) => f.status === 'pass').length,
      failed,
      warnings: findings.filter((f) => f.status === 'warn').length,
      unknownGroups: unknownGroups.filter((g) => !elsewhere.has(g.name)).length,
    },
  };
}

function checkKey(key: LiveKey): Finding[] {
  if (!key.arn) {
    return [{ subject: key.alias, check: 'key-exists', status: 'fail', expected: 'an enabled customer managed key', actual: key.problem ?? 'not found' }];
  }
  return [
    { subject: key.alias, check: 'key-exists', status: key.state === 'Enabled' ? 'pass' : 'fail', expected: 'Enabled', actual: key.state ?? 'unknown' },
    {
      subject: key.alias,
      check: 'key-rotation',
      status: key.rotationEnabled ? 'pass' : 'fail',
      expected: 'rotation on',
      actual: key.rotationEnabled === undefined ? key.problem ?? 'unknown' : key.rotationEnabled ? 'rotation on' : 'rotation off',
    },
  ];
}

/**
 * The sync tags must not lie: a forwarder's subscription exists exactly when the plan says `enabled`, under the
 * project's filter name and pointing at that environment's forwarder.
 */
function checkSubscriptions(environment: string, plan: PlannedLogGroup, group: LiveLogGroup): Finding[] {
  const filters = group.subscriptionFilters ?? [];
  return FORWARDER_DESTINATIONS.map((destination: ForwarderDestination) => {
    const filterName = subscriptionFilterName(destination);
    const functionSuffix = `:function:${forwarderFunctionName(environment, destination)}`;
    const found = filters.find((f) => f.filterName === filterName);
    const enabled = plan[destination] === 'enabled';
    const expected = enabled ? `${filterName} → ${forwarderFunctionName(environment, destination)}` : `no ${destination} subscription (${plan[destination]})`;
    const actual = found ? `${found.filterName} → ${found.destinationArn ?? '?'}` : `no ${destination} subscription`;
    const pass = enabled ? !!found && (found.destinationArn ?? '').endsWith(functionSuffix) : !found;
    return { subject: plan.name, check: `subscription-${destination}`, status: pass ? 'pass' : 'fail', expected, actual };
  });
}

/** `/aws/<service>/<resource>/<type>` with a known type, or a Lambda runtime group, all lower-case. */
export function followsConvention(name: string): boolean {
  return name === name.toLowerCase() && parseLogGroupName(name, LOG_TYPES)?.type !== undefined;
}

function accountOf(groups: readonly LiveLogGroup[], key: LiveKey): string | undefined {
  const arn = key.arn ?? groups[0]?.arn;
  return arn?.split(':')[4];
}
