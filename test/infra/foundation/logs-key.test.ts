import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildEnvironment } from '../../support/app';
import { MAX_KEY_POLICY_BYTES } from '../../../lib/logs-encryption-key';

describe('the logs KMS key', () => {
  const { environment } = buildEnvironment('prod');
  const core = Template.fromStack(environment.core);
  const [key] = Object.values(core.findResources('AWS::KMS::Key'));
  const statements: any[] = key.Properties.KeyPolicy.Statement;

  test('one dedicated key per environment, rotated, retained, with an alias naming it', () => {
    core.resourceCountIs('AWS::KMS::Key', 1);
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    core.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/central-logging/prod/logs' });
  });

  test('CloudWatch Logs of this region may use it, only for log groups of this account and region', () => {
    const logs = statements.find((s) => s.Principal?.Service === 'logs.ap-northeast-2.amazonaws.com');
    expect(logs).toEqual({
      Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
      Effect: 'Allow',
      Principal: { Service: 'logs.ap-northeast-2.amazonaws.com' },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:aws:logs:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
          },
        },
      },
    });
  });

  test('the condition is built from the account/region pattern, not from a log group (no circular dependency)', () => {
    expect(JSON.stringify(statements)).not.toMatch(/LogGroup/);
    expect(environment.core.dependencies).toHaveLength(0);
  });

  test('with an account set, the condition names it literally', () => {
    const withAccount = buildEnvironment('staging', { config: { account: '123456789012' } }).environment;
    Template.fromStack(withAccount.core).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Condition: {
              ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:ap-northeast-2:123456789012:log-group:*' },
            },
          }),
        ]),
      },
    });
  });

  test('the key policy stays far below the KMS size limit', () => {
    expect(Buffer.byteLength(JSON.stringify(key.Properties.KeyPolicy))).toBeLessThan(MAX_KEY_POLICY_BYTES / 4);
  });

  test('dev may delete its key after the pending window', () => {
    const dev = Template.fromStack(buildEnvironment('dev').environment.core);
    dev.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: { PendingWindowInDays: 7 } });
  });
});
