import * as logs from 'aws-cdk-lib/aws-logs';
import { Template } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../../lib/config/config-error';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { EnvironmentConfig } from '../../../lib/config/environment-config';
import { resolveEnvironment } from '../../../lib/config/resolve';
import { DATA_PROTECTION_FINDINGS_LOG_GROUP } from '../../../lib/data-protection/data-protection-config';
import {
  BASELINE_DATA_IDENTIFIERS,
  MANAGED_DATA_IDENTIFIERS,
  defaultDataIdentifiers,
  regionalDataIdentifiers,
} from '../../../lib/data-protection/managed-identifiers';
import { parseLogGroupName, resourceNameProblem } from '../../../lib/naming';
import { LOG_TYPES } from '../../../lib/config/log-types';
import { buildEnvironment, logGroupsByName } from '../../support/app';

const arnsIn = (policy: { Statement: Array<{ DataIdentifier: string[] }> }): string[] =>
  policy.Statement[0].DataIdentifier.map((arn) => arn.replace(/^arn:aws:dataprotection::aws:data-identifier\//, ''));

/** Every log group of an environment's stacks, by name. */
function groupsOf(config: Partial<EnvironmentConfig> = {}, name = 'prod') {
  const { environment } = buildEnvironment(name, { config });
  const groups = new Map<string, Record<string, any>>();
  for (const stack of environment.stacks) for (const [n, r] of logGroupsByName(Template.fromStack(stack))) groups.set(n, r);
  return groups;
}

function problemsOf(config: Partial<EnvironmentConfig>): readonly string[] {
  try {
    resolveEnvironment('prod', { environments: { ...ENVIRONMENTS, prod: { ...ENVIRONMENTS.prod, ...config } }, secrets: {} });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe('data protection by default (prod, ap-northeast-2)', () => {
  const groups = groupsOf();

  test('llm and audit groups audit and mask the baseline identifiers; other types carry no policy', () => {
    for (const [name, group] of groups) {
      const policy = group.Properties.DataProtectionPolicy;
      const protectedType = /\/(llm|audit)$/.test(name) && name !== DATA_PROTECTION_FINDINGS_LOG_GROUP;
      expect({ name, policy: policy !== undefined }).toEqual({ name, policy: protectedType });
      if (!policy) continue;
      expect(policy.Version).toBe('2021-06-01');
      expect(policy.Statement).toHaveLength(2);
      const [audit, mask] = policy.Statement;
      expect(audit.Operation).toEqual({ Audit: { FindingsDestination: { CloudWatchLogs: { LogGroup: DATA_PROTECTION_FINDINGS_LOG_GROUP } } } });
      expect(mask.Operation).toEqual({ Deidentify: { MaskConfig: {} } });
      expect(arnsIn(policy).sort()).toEqual([...BASELINE_DATA_IDENTIFIERS].sort());
      expect(mask.DataIdentifier).toEqual(audit.DataIdentifier);
    }
    expect(groups.get('/aws/ecs/api/llm')!.Properties.DataProtectionPolicy.Statement[0].DataIdentifier).toContain(
      'arn:aws:dataprotection::aws:data-identifier/EmailAddress',
    );
  });

  test('findings go to an audit group that follows the convention, KMS-encrypted, kept for the audit tier', () => {
    const findings = groups.get(DATA_PROTECTION_FINDINGS_LOG_GROUP)!;
    expect(findings.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] } });
    expect(findings.DeletionPolicy).toBe('Retain');
    expect(parseLogGroupName(DATA_PROTECTION_FINDINGS_LOG_GROUP, LOG_TYPES)).toEqual({ service: 'central-logging', resourceName: 'data-protection', type: 'audit' });
    expect(resourceNameProblem('ecs', 'data-protection')).toBeUndefined();
    const { environment } = buildEnvironment('prod');
    expect(Object.keys(Template.fromStack(environment.core).findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: DATA_PROTECTION_FINDINGS_LOG_GROUP } }))).toHaveLength(1);
    // The shards that hold protected groups deploy after the findings group.
    for (const shard of environment.logGroupShards) expect(shard.dependencies).toContain(environment.core);
  });
});

describe('data protection settings', () => {
  test('per type and environment: errors only, with their own identifiers', () => {
    const groups = groupsOf({ dataProtection: { types: ['errors'], identifiersByType: { errors: ['AwsSecretKey', 'CreditCardNumber'] } } });
    expect(groups.get('/aws/ecs/api/llm')!.Properties.DataProtectionPolicy).toBeUndefined();
    expect(arnsIn(groups.get('/aws/ecs/api/errors')!.Properties.DataProtectionPolicy)).toEqual(['AwsSecretKey', 'CreditCardNumber']);
  });

  test('turned off: no policy and no findings group', () => {
    const groups = groupsOf({ dataProtection: { types: [] } });
    expect([...groups.values()].filter((g) => g.Properties.DataProtectionPolicy)).toEqual([]);
    expect(groups.has(DATA_PROTECTION_FINDINGS_LOG_GROUP)).toBe(false);
  });

  test('a group that already exists is not ours to change', () => {
    const { environment } = buildEnvironment('prod', { config: { dataProtection: { types: ['lambda'] } } });
    const rotation = environment.environment.logGroups.find((g) => g.name === '/aws/lambda/secrets-manager-rotation')!;
    expect(rotation.existing).toBe(true);
    expect(rotation.dataProtection).toBeUndefined();
  });

  test("the region's national identifiers join the baseline, never the noisy ones", () => {
    expect(regionalDataIdentifiers('ap-northeast-2')).toEqual([]);
    const us = defaultDataIdentifiers('us-east-1');
    expect(us).toEqual(expect.arrayContaining([...BASELINE_DATA_IDENTIFIERS, 'Ssn-US', 'PassportNumber-US', 'DriversLicense-US']));
    expect(us).not.toContain('PhoneNumber-US');
    expect(us).not.toContain('ZipCode-US');
    expect(defaultDataIdentifiers('eu-west-2')).toEqual(expect.arrayContaining(['NationalInsuranceNumber-GB', 'NhsNumber-GB']));
    expect(defaultDataIdentifiers('eu-central-1')).toEqual(expect.arrayContaining(['HealthInsuranceCardNumber-EU', 'TaxId-DE']));
    const groups = groupsOf({ region: 'us-east-1' });
    expect(arnsIn(groups.get('/aws/ecs/api/audit')!.Properties.DataProtectionPolicy)).toContain('Ssn-US');
  });

  test('every default identifier is one CloudWatch manages', () => {
    expect(MANAGED_DATA_IDENTIFIERS).toContain(logs.DataIdentifier.EMAILADDRESS.name);
    for (const region of ['ap-northeast-2', 'us-east-1', 'eu-west-1', 'eu-west-2', 'sa-east-1', 'ca-central-1']) {
      for (const name of defaultDataIdentifiers(region)) expect(MANAGED_DATA_IDENTIFIERS).toContain(name);
    }
  });

  test('unknown types and identifiers are reported together', () => {
    expect(
      problemsOf({
        dataProtection: {
          types: ['llm', 'prompts' as never],
          identifiers: ['EmailAddress', 'Email'],
          identifiersByType: { audit: ['Ssn-KR'], llm: [] },
        },
      }),
    ).toEqual([
      'prod: dataProtection.types: unknown log type "prompts"',
      expect.stringMatching(/^prod: dataProtection.identifiers: "Email" is not a CloudWatch Logs managed data identifier/),
      'prod: dataProtection.identifiersByType.audit is set but "audit" is not in dataProtection.types',
      'prod: dataProtection.identifiersByType.llm must name at least one identifier (or leave the type out of dataProtection.types)',
    ]);
  });
});

describe('log-group deletion protection', () => {
  test('prod: every group this project creates is protected', () => {
    const groups = groupsOf();
    expect(groups.size).toBeGreaterThan(10);
    for (const [name, group] of groups) {
      if (name.startsWith('/aws/lambda/central-logging-')) continue; // the forwarders' own groups are planned by the Forwarding module
      expect({ name, protected: group.Properties.DeletionProtectionEnabled }).toEqual({ name, protected: true });
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });

  test('dev and staging: off (throwaway and rebuildable)', () => {
    for (const name of ['dev', 'staging']) {
      for (const [group, resource] of groupsOf({}, name)) {
        expect({ group, protected: resource.Properties.DeletionProtectionEnabled }).toEqual({ group, protected: undefined });
      }
    }
  });

  test('config turns it on anywhere, but never on a group that already exists', () => {
    const { resolved } = buildEnvironment('staging', { config: { logGroupDeletionProtection: true } });
    expect(resolved.logGroups.filter((g) => !g.existing).every((g) => g.deletionProtection)).toBe(true);
    expect(resolved.logGroups.filter((g) => g.existing).every((g) => !g.deletionProtection)).toBe(true);
  });
});
