import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { resolveEnvironment } from '../../lib/config/resolve';
import { LiveKey, LiveLogGroup } from '../../lib/cli/audit/audit-model';
import { auditEnvironment, expectedTags, followsConvention, projectOwnGroups } from '../../lib/cli/audit/checks';
import { renderAuditReport } from '../../lib/cli/audit/report';
import { FIXED_NOW, cli, testDeps } from './cli-harness';

const KEY_ARN = 'arn:aws:kms:ap-northeast-2:111122223333:key/8d2f0c1e-4b7a-4c3e-9a51-2f6d0e7b9c14';
const prod = resolveEnvironment('prod', { secrets: {} });
const goodKey: LiveKey = { alias: prod.kmsKeyAlias, arn: KEY_ARN, state: 'Enabled', rotationEnabled: true };

/** The account exactly as the plan wants it: the catalogue's groups and the project's own (findings, forwarders). */
const compliant = (): LiveLogGroup[] => [
  ...prod.logGroups.map((g) => ({
    name: g.name,
    arn: `arn:aws:logs:ap-northeast-2:111122223333:log-group:${g.name}`,
    kmsKeyId: KEY_ARN,
    retentionInDays: g.retentionDays,
    tags: expectedTags(prod, g),
    subscriptionFilters: [],
  })),
  ...projectOwnGroups(prod).map((g) => ({ name: g.name, arn: `arn:aws:logs:ap-northeast-2:111122223333:log-group:${g.name}`, kmsKeyId: KEY_ARN, retentionInDays: g.retentionDays ?? 14 })),
];

const audit = (groups: LiveLogGroup[], key: LiveKey = goodKey) =>
  auditEnvironment({ environment: prod, groups, key, otherEnvironments: [], region: 'ap-northeast-2', generatedAt: FIXED_NOW });
const failures = (groups: LiveLogGroup[], key?: LiveKey) =>
  audit(groups, key).findings.filter((f) => f.status === 'fail').map((f) => `${f.subject} ${f.check}: expected ${f.expected}, got ${f.actual}`);

describe('audit checks', () => {
  test('an account that matches the plan passes every check', () => {
    const report = audit(compliant());
    expect(report.summary).toEqual({ groupsPlanned: 14, checks: 2 + 14 * 6 + 3, passed: 2 + 14 * 6 + 3, failed: 0, warnings: 0, unknownGroups: 0 });
  });

  test('required tags: the common ones plus the group\'s own, with values', () => {
    const api = prod.logGroups.find((g) => g.name === '/aws/ecs/api/audit')!;
    expect(expectedTags(prod, api)).toEqual({
      Project: 'central-logging', Environment: 'prod', Owner: 'platform-team', CostCenter: 'eng-platform', ManagedBy: 'cdk',
      LogType: 'audit', RetentionDays: '365', ExportEnabled: 'true', SentrySync: 'disabled', LangfuseSync: 'disabled',
    });
  });

  test('each deviation is one failed check that shows expected and actual', () => {
    const groups = compliant().map((g) => {
      switch (g.name) {
        case '/aws/ecs/api/errors':
          return { ...g, kmsKeyId: 'arn:aws:kms:ap-northeast-2:111122223333:key/00000000-1111-2222-3333-444444444444' };
        case '/aws/ecs/api/llm':
          return { ...g, retentionInDays: undefined };
        case '/aws/rds/instance/atlantis-db/general':
          return { ...g, tags: { ...g.tags, Owner: 'someone-else' } };
        default:
          return g;
      }
    }).filter((g) => g.name !== '/aws/alb/public/error-logs');
    expect(failures(groups)).toEqual([
      '/aws/ecs/api/errors kms-key: expected arn:aws:kms:ap-northeast-2:111122223333:key/8d2f0c1e-4b7a-4c3e-9a51-2f6d0e7b9c14, got arn:aws:kms:ap-northeast-2:111122223333:key/00000000-1111-2222-3333-444444444444',
      '/aws/ecs/api/llm retention: expected 60 days, got never expires',
      '/aws/alb/public/error-logs exists: expected present, got missing',
      expect.stringMatching(/^\/aws\/rds\/instance\/atlantis-db\/general tags: expected Project=central-logging, .*, got Owner=someone-else$/),
    ]);
  });

  test('sync tags must not lie: a forwarder subscription on a group whose plan says pending fails', () => {
    const groups = compliant().map((g) =>
      g.name === '/aws/ecs/api/errors'
        ? { ...g, subscriptionFilters: [{ filterName: 'central-logging-sentry-forwarder', destinationArn: 'arn:aws:lambda:ap-northeast-2:111122223333:function:central-logging-prod-sentry-forwarder' }] }
        : g,
    );
    expect(failures(groups)).toEqual([
      '/aws/ecs/api/errors subscription-sentry: expected no sentry subscription (pending), got central-logging-sentry-forwarder → arn:aws:lambda:ap-northeast-2:111122223333:function:central-logging-prod-sentry-forwarder',
    ]);
  });

  test('with the forwarder deployed, a subscription to another function does not count', () => {
    const withSentry = resolveEnvironment('prod', { secrets: { 'sentry-dsn': 'AQICAHi=' } });
    const groups: LiveLogGroup[] = compliant().map((g) => {
      const plan = withSentry.logGroups.find((p) => p.name === g.name);
      if (!plan) return g;
      const target = plan.sentry === 'enabled' ? 'central-logging-prod-sentry-forwarder' : undefined;
      return {
        ...g,
        tags: expectedTags(withSentry, plan),
        subscriptionFilters: target ? [{ filterName: 'central-logging-sentry-forwarder', destinationArn: `arn:aws:lambda:ap-northeast-2:111122223333:function:${g.name === '/aws/ecs/api/errors' ? 'someone-elses-function' : target}` }] : [],
      };
    });
    groups.push({ name: '/aws/lambda/central-logging-prod-sentry-forwarder', arn: 'arn:aws:logs:ap-northeast-2:111122223333:log-group:/aws/lambda/central-logging-prod-sentry-forwarder', kmsKeyId: KEY_ARN, retentionInDays: 14 });
    const report = auditEnvironment({ environment: withSentry, groups, key: goodKey, otherEnvironments: [], region: 'ap-northeast-2', generatedAt: FIXED_NOW });
    expect(report.findings.filter((f) => f.status === 'fail').map((f) => `${f.subject} ${f.check}`)).toEqual(['/aws/ecs/api/errors subscription-sentry']);
  });

  test("the project's own groups: the data-protection findings group keeps the audit tier", () => {
    expect(projectOwnGroups(prod)).toEqual([{ name: '/aws/central-logging/data-protection/audit', role: 'data-protection findings', retentionDays: 365 }]);
    const groups = compliant().map((g) => (g.name === '/aws/central-logging/data-protection/audit' ? { ...g, retentionInDays: 90 } : g));
    expect(failures(groups)).toEqual(['/aws/central-logging/data-protection/audit retention: expected 365 days, got 90 days']);
  });

  test("the forwarders' own groups keep the lambda tier, as they are deployed", () => {
    const withSentry = resolveEnvironment('prod', { secrets: { 'sentry-dsn': 'AQICAHi=' } });
    const forwarderGroup = '/aws/lambda/central-logging-prod-sentry-forwarder';
    expect(projectOwnGroups(withSentry)).toContainEqual({ name: forwarderGroup, role: "the sentry forwarder's own group", retentionDays: 14 });
    const groups: LiveLogGroup[] = [
      ...prod.logGroups.map((g) => ({ name: g.name, arn: `arn:aws:logs:ap-northeast-2:111122223333:log-group:${g.name}`, kmsKeyId: KEY_ARN, retentionInDays: g.retentionDays })),
      ...projectOwnGroups(withSentry).map((g) => ({
        name: g.name,
        arn: `arn:aws:logs:ap-northeast-2:111122223333:log-group:${g.name}`,
        kmsKeyId: KEY_ARN,
        retentionInDays: g.name === forwarderGroup ? 3653 : g.retentionDays,
      })),
    ];
    const report = auditEnvironment({ environment: withSentry, groups, key: goodKey, otherEnvironments: [], region: 'ap-northeast-2', generatedAt: FIXED_NOW });
    expect(report.findings.filter((f) => f.subject === forwarderGroup && f.status === 'fail').map((f) => `${f.check}: expected ${f.expected}, got ${f.actual}`)).toEqual([
      'retention: expected 14 days, got 3653 days',
    ]);
  });

  test('the key: missing, disabled or not rotating is a violation', () => {
    expect(failures(compliant(), { alias: prod.kmsKeyAlias, problem: 'no key behind alias/central-logging/prod/logs in ap-northeast-2' })).toEqual(
      expect.arrayContaining(['alias/central-logging/prod/logs key-exists: expected an enabled customer managed key, got no key behind alias/central-logging/prod/logs in ap-northeast-2']),
    );
    expect(failures(compliant(), { ...goodKey, rotationEnabled: false })).toEqual(['alias/central-logging/prod/logs key-rotation: expected rotation on, got rotation off']);
    expect(failures(compliant(), { ...goodKey, state: 'PendingDeletion' })).toEqual(['alias/central-logging/prod/logs key-exists: expected Enabled, got PendingDeletion']);
  });

  test('groups under /aws/ outside every catalogue are listed, those of another environment are told apart', () => {
    const stray = (name: string): LiveLogGroup => ({ name, arn: `arn:aws:logs:ap-northeast-2:111122223333:log-group:${name}` });
    const dev = resolveEnvironment('dev', { secrets: {} });
    const report = auditEnvironment({
      environment: prod,
      groups: [...compliant(), stray('/aws/ecs/atlantis-prod'), stray('/ecs/legacy'), stray('/aws/ecs/other/application')],
      key: goodKey,
      otherEnvironments: [{ name: 'dev', logGroups: [...dev.logGroups, { ...dev.logGroups[0], name: '/aws/ecs/other/application' }] }],
      region: 'ap-northeast-2',
      generatedAt: FIXED_NOW,
    });
    expect(report.unknownGroups.map((g) => [g.name, g.conventional, g.note])).toEqual([
      ['/aws/ecs/atlantis-prod', false, 'not in any catalogue and breaks the naming convention /aws/<service>/<resource>/<type>: add it to the catalogue or migrate and delete it'],
      ['/aws/ecs/other/application', true, 'in the catalogue of dev'],
    ]);
    expect(report.summary.unknownGroups).toBe(1);
    expect(report.summary.failed).toBe(0);
  });

  test('the naming convention', () => {
    expect(followsConvention('/aws/ecs/api/application')).toBe(true);
    expect(followsConvention('/aws/lambda/any-function')).toBe(true);
    expect(followsConvention('/aws/ecs/atlantis-prod')).toBe(false);
    expect(followsConvention('/aws/ecs/API/application')).toBe(false);
  });
});

describe('audit report', () => {
  const groups = compliant().map((g) => (g.name === '/aws/ecs/api/llm' ? { ...g, retentionInDays: 30 } : g));
  groups.push({ name: '/aws/ecs/atlantis-prod', arn: 'arn:aws:logs:ap-northeast-2:111122223333:log-group:/aws/ecs/atlantis-prod' });
  const report = audit(groups);

  test('markdown: title, key, summary, violations, strays and the full evidence', () => {
    const md = renderAuditReport(report, 'markdown');
    expect(md).toContain('# Audit of prod (account 111122223333, ap-northeast-2) at 2026-11-21T09:30:00.000Z');
    expect(md).toContain(`- Key alias/central-logging/prod/logs → ${KEY_ARN}: Enabled, rotation on`);
    expect(md).toContain('- 14 groups planned · 89 checks: 88 passed, 1 failed · 1 group under /aws/ in no catalogue');
    expect(md).toContain('- Result: **violations found**');
    expect(md).toContain('| FAIL | /aws/ecs/api/llm | retention | 60 days | 30 days |  |');
    expect(md).toContain('| /aws/ecs/atlantis-prod | never expires | no |');
    expect(md.split('## Evidence (every check)')[1].match(/^\| (PASS|FAIL) \|/gm)).toHaveLength(89);
  });

  test('table shows what needs doing; csv carries every check', () => {
    const table = renderAuditReport(report, 'table');
    expect(table).toMatch(/FAIL\s+\/aws\/ecs\/api\/llm\s+retention\s+60 days\s+30 days/);
    expect(table).not.toContain('PASS');
    expect(renderAuditReport(report, 'csv').trim().split('\r\n')).toHaveLength(90);
  });
});

describe('logs-cli audit', () => {
  const logs = mockClient(CloudWatchLogsClient);
  const kms = mockClient(KMSClient);
  beforeEach(() => {
    logs.reset();
    kms.reset();
    logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        ...compliant().map((g) => ({ logGroupName: g.name, arn: `${g.arn}:*`, kmsKeyId: g.kmsKeyId, retentionInDays: g.retentionInDays })),
        { logGroupName: '/aws/lambda/legacy-cron', arn: 'arn:aws:logs:ap-northeast-2:111122223333:log-group:/aws/lambda/legacy-cron:*' },
      ],
    });
    logs.on(ListTagsForResourceCommand).callsFake((input: { resourceArn: string }) => {
      const plan = prod.logGroups.find((g) => input.resourceArn.endsWith(`:log-group:${g.name}`))!;
      return { tags: expectedTags(prod, plan) };
    });
    logs.on(DescribeSubscriptionFiltersCommand).resolves({ subscriptionFilters: [] });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', Arn: KEY_ARN, KeyState: 'Enabled' } });
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
  });

  test('exit 0 when compliant; --strict also fails on strays', async () => {
    const deps = testDeps({ secretsDir: undefined });
    const plain = await cli(['audit', '--env', 'prod'], deps);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('Every check passed.');
    expect(plain.out).toContain('/aws/lambda/legacy-cron');
    expect((await cli(['audit', '--env', 'prod', '--strict'], deps)).code).toBe(1);
  });

  test('a missing key alias is a finding, not a crash', async () => {
    kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('Alias arn:aws:kms:ap-northeast-2:111122223333:alias/central-logging/prod/logs is not found.'), { name: 'NotFoundException' }));
    const { code, out } = await cli(['audit', '--env', 'prod'], testDeps());
    expect(code).toBe(1);
    expect(out).toContain('Key alias/central-logging/prod/logs: no key behind alias/central-logging/prod/logs in ap-northeast-2');
  });
});
