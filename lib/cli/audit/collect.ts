import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  ListTagsForResourceCommand,
  LogGroup,
  SubscriptionFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { awsCall, describeAwsError } from '../aws';
import { AwsTarget } from '../io';
import { runPool } from '../pool';
import { LiveKey, LiveLogGroup } from './audit-model';

/** DescribeLogGroups returns at most 50 groups a page. */
export const DESCRIBE_LOG_GROUPS_PAGE_SIZE = 50;
/** Concurrent per-group reads (tags, subscriptions): well under CloudWatch Logs' per-account request rates. */
export const GROUP_READ_CONCURRENCY = 8;

/** Every log group of the account and region, following `nextToken` to the last page. */
export async function listLogGroups(logs: CloudWatchLogsClient, target: AwsTarget): Promise<LogGroup[]> {
  const groups: LogGroup[] = [];
  let nextToken: string | undefined;
  let page = 0;
  do {
    page += 1;
    const response = await awsCall(`DescribeLogGroups (page ${page})`, target, () =>
      logs.send(new DescribeLogGroupsCommand({ limit: DESCRIBE_LOG_GROUPS_PAGE_SIZE, ...(nextToken ? { nextToken } : {}) })),
    );
    groups.push(...(response.logGroups ?? []));
    nextToken = response.nextToken;
  } while (nextToken);
  return groups;
}

/** A group's ARN without the `:*` that DescribeLogGroups' `arn` carries (ListTagsForResource wants it bare). */
export const bareArn = (group: LogGroup): string => group.logGroupArn ?? (group.arn ?? '').replace(/:\*$/, '');

/**
 * The live state of the account: every group, with tags and subscription filters read for the groups in `detailed`
 * (the ones the environment plans; strays need only their name, retention and key).
 */
export async function collectLogGroups(logs: CloudWatchLogsClient, target: AwsTarget, detailed: ReadonlySet<string>): Promise<LiveLogGroup[]> {
  const described = await listLogGroups(logs, target);
  const readDetails = async (group: LogGroup): Promise<LiveLogGroup> => {
    const base: LiveLogGroup = {
      name: group.logGroupName ?? '',
      arn: bareArn(group),
      ...(group.kmsKeyId ? { kmsKeyId: group.kmsKeyId } : {}),
      ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
    };
    if (!detailed.has(base.name)) return base;
    const [tags, filters] = await Promise.all([
      awsCall(`ListTagsForResource (${base.name})`, target, () => logs.send(new ListTagsForResourceCommand({ resourceArn: base.arn }))),
      awsCall(`DescribeSubscriptionFilters (${base.name})`, target, () => logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: base.name }))),
    ]);
    return {
      ...base,
      tags: tags.tags ?? {},
      subscriptionFilters: (filters.subscriptionFilters ?? []).map((f: SubscriptionFilter) => ({ filterName: f.filterName, destinationArn: f.destinationArn })),
    };
  };
  const results: LiveLogGroup[] = new Array(described.length);
  await runPool(described.length, GROUP_READ_CONCURRENCY, async (index) => {
    results[index] = await readDetails(described[index]);
  });
  return results;
}

/**
 * The key behind the environment's alias. A missing key or a denied read is a finding of the audit, not a crash;
 * anything else (no credentials, throttling) stops the run.
 */
export async function collectKey(kms: KMSClient, target: AwsTarget, alias: string): Promise<LiveKey> {
  let metadata;
  try {
    metadata = (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NotFoundException') return { alias, problem: `no key behind ${alias} in ${target.region}` };
    if (name === 'AccessDeniedException') return { alias, problem: describeAwsError(error, `DescribeKey ${alias}`, target) };
    return awsCall(`DescribeKey ${alias}`, target, () => Promise.reject(error));
  }
  if (!metadata?.Arn) return { alias, problem: 'DescribeKey returned no key' };
  let rotationEnabled: boolean | undefined;
  let problem: string | undefined;
  try {
    rotationEnabled = (await kms.send(new GetKeyRotationStatusCommand({ KeyId: metadata.Arn }))).KeyRotationEnabled;
  } catch (error) {
    if ((error as { name?: string }).name !== 'AccessDeniedException') {
      return awsCall(`GetKeyRotationStatus ${alias}`, target, () => Promise.reject(error));
    }
    problem = describeAwsError(error, `GetKeyRotationStatus ${alias}`, target);
  }
  return { alias, arn: metadata.Arn, state: metadata.KeyState, ...(rotationEnabled !== undefined ? { rotationEnabled } : {}), ...(problem ? { problem } : {}) };
}
