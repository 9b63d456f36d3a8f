import { CommandSpec, ParsedCommand, optionalString, requireString } from '../args';
import { EXIT_CODES } from '../cli-error';
import { auditEnvironment } from '../audit/checks';
import { collectKey, collectLogGroups } from '../audit/collect';
import { renderAuditReport } from '../audit/report';
import { awsTarget, loadEnvironment, otherEnvironments } from '../environment';
import { CliDeps, CliIo } from '../io';

export const AUDIT_COMMAND: CommandSpec = {
  name: 'audit',
  summary: 'check the live account against the environment\'s catalogue and print an evidence report',
  usage: 'audit --env <env> [--output table|markdown|json|csv] [--strict]',
  details: [
    "Reads every log group of the account and region (all pages) and checks each catalogue group: it exists, is encrypted with the environment's KMS key, keeps its tier's retention, carries the required tags with the right values, and has exactly the forwarder subscriptions its SentrySync/LangfuseSync tags promise. The forwarders' own groups and the data-protection findings group must exist, be encrypted with that key and keep their tier's retention. The key must be enabled with rotation on. Groups under /aws/ that no catalogue knows (an old implicit /aws/ecs/atlantis-prod) are listed.",
    'Exit status: 0 when every check passes, 1 on any violation (with --strict also on unknown groups), so it can gate a pipeline before an audit. Needs logs:DescribeLogGroups, logs:ListTagsForResource, logs:DescribeSubscriptionFilters, kms:DescribeKey and kms:GetKeyRotationStatus.',
  ],
  options: {
    env: { type: 'string', valueName: '<env>', description: 'Environment (dev, staging, prod, ...).' },
    strict: { type: 'boolean', description: 'Also fail when a group under /aws/ is in no catalogue.' },
  },
  formats: ['table', 'markdown', 'json', 'csv'],
  aws: true,
  examples: [
    'logs-cli audit --env prod',
    'logs-cli audit --env prod --output markdown > audit-prod-$(date +%F).md',
    'logs-cli audit --env staging --profile staging-readonly --output json | jq .summary',
  ],
};

export async function runAuditCommand(parsed: ParsedCommand, io: CliIo, deps: CliDeps): Promise<number> {
  const environment = loadEnvironment(requireString(parsed, 'env', AUDIT_COMMAND), deps);
  const target = awsTarget(environment, optionalString(parsed, 'region'), optionalString(parsed, 'profile'));
  const clients = deps.clients(target);
  const detailed = new Set(environment.logGroups.map((g) => g.name));
  // Both reads finish (or fail) before the command returns: no request outlives it.
  const [groupsRead, keyRead] = await Promise.allSettled([
    collectLogGroups(clients.logs, target, detailed),
    collectKey(clients.kms, target, environment.kmsKeyAlias),
  ]);
  if (groupsRead.status === 'rejected') throw groupsRead.reason;
  if (keyRead.status === 'rejected') throw keyRead.reason;
  const [groups, key] = [groupsRead.value, keyRead.value];
  const report = auditEnvironment({ environment, groups, key, otherEnvironments: otherEnvironments(environment.name, deps), region: target.region, generatedAt: deps.now() });
  io.stdout.write(renderAuditReport(report, parsed.output));
  const failed = report.summary.failed > 0 || (parsed.values.strict === true && report.summary.unknownGroups > 0);
  return failed ? EXIT_CODES.failure : EXIT_CODES.ok;
}
