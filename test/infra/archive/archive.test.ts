import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../../lib/config/config-error';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { EnvironmentConfig } from '../../../lib/config/environment-config';
import { resolveEnvironment } from '../../../lib/config/resolve';
import { TEST_SECRETS, buildEnvironment } from '../../support/app';

const SEVEN_YEARS_IN_DAYS = 2557; // 7 × 365 + 2 leap days: never shorter than 7 calendar years

function problemsOf(name: string, config: Partial<EnvironmentConfig>, secrets = {}): readonly string[] {
  try {
    resolveEnvironment(name, { environments: { ...ENVIRONMENTS, [name]: { ...ENVIRONMENTS[name], ...config } }, secrets });
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe('archive of prod (audit groups, ExportEnabled=true)', () => {
  const { environment } = buildEnvironment('prod', { secrets: TEST_SECRETS });
  const archive = Template.fromStack(environment.archive!);

  test('the bucket: KMS with its own rotated key, versioned, Object Lock in compliance mode for 7 years', () => {
    archive.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveKey'), 'Arn'] } },
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: SEVEN_YEARS_IN_DAYS } } },
    });
    archive.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('blocks public access, refuses anything but TLS 1.2+, logs access to a second bucket', () => {
    archive.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^ArchiveAccessLogs') }, LogFilePrefix: 'archive/' },
    });
    archive.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^ArchiveBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('moves objects to a colder class after 90 days and expires them when the lock has run out', () => {
    archive.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 90 }],
            ExpirationInDays: SEVEN_YEARS_IN_DAYS,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ],
      },
    });
  });

  test('bucket and keys are retained whatever happens to the stack', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key']) {
      for (const resource of Object.values(archive.findResources(type))) expect(resource.DeletionPolicy).toBe('Retain');
    }
  });

  test('Firehose: direct put, encrypted at rest, decompresses CloudWatch batches into gzip’d JSON lines in the bucket', () => {
    archive.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'central-logging-prod-archive',
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveBucket'), 'Arn'] },
        CompressionFormat: 'GZIP',
        Prefix: 'logs/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ArchiveKey'), 'Arn'] } } },
        CloudWatchLoggingOptions: { Enabled: true, LogGroupName: '/aws/central-logging/archive/errors', LogStreamName: 'S3Delivery' },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            { Type: 'Decompression', Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }] },
            { Type: 'AppendDelimiterToRecord', Parameters: [] },
          ],
        },
      }),
    });
    archive.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/central-logging/archive/errors',
      RetentionInDays: 90,
      KmsKeyId: Match.anyValue(),
      DeletionProtectionEnabled: true,
    });
  });

  test("Firehose's role may write objects but never delete them; CloudWatch Logs' role may only put records", () => {
    const policies = Object.values(archive.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument.Statement);
    const actions = policies.flat().flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.filter((a: string) => /Delete|\*$/.test(a) && !a.startsWith('kms:GenerateDataKey'))).toEqual([]);
    expect(policies.flat()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'PutIntoArchiveStream', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'] }),
        expect.objectContaining({ Sid: 'EncryptArchiveObjects', Condition: { StringEquals: { 'kms:ViaService': 's3.ap-northeast-2.amazonaws.com' } } }),
      ]),
    );
    archive.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'central-logging-prod-logs-to-archive',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'logs.amazonaws.com' },
            Condition: { StringLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:aws:logs:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':*']] } } },
          }),
        ],
      },
    });
    archive.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } })],
      },
    });
  });

  test('exactly the ExportEnabled groups subscribe, from their wiring stacks, after the archive exists', () => {
    const archived = environment.environment.logGroups.filter((g) => g.exportEnabled).map((g) => g.name);
    expect(archived).toEqual(['/aws/ecs/api/audit']);
    const filters = environment.wiringShards.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Logs::SubscriptionFilter'))
        .map((r) => r.Properties)
        .filter((p) => p.FilterName === 'central-logging-archive'),
    );
    expect(filters).toEqual([
      {
        FilterName: 'central-logging-archive',
        LogGroupName: '/aws/ecs/api/audit',
        FilterPattern: '',
        DestinationArn: { 'Fn::Join': ['', ['arn:aws:firehose:ap-northeast-2:', { Ref: 'AWS::AccountId' }, ':deliverystream/central-logging-prod-archive']] },
        RoleArn: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':role/central-logging-prod-logs-to-archive']] },
      },
    ]);
    expect(environment.wiringStackFor('/aws/ecs/api/audit').dependencies).toContain(environment.archive);
  });
});

describe('archive settings', () => {
  test('retention, transition and storage class come from config', () => {
    const { environment } = buildEnvironment('prod', { config: { archive: { retentionYears: 10, transitionAfterDays: 30, storageClass: 'GLACIER_IR' } } });
    Template.fromStack(environment.archive!).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } } },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }], ExpirationInDays: 3653 })] },
    });
  });

  test('builds without the feature flags of cdk.json too (bin/app.ts run directly)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-bare-')) });
    const { environment } = buildEnvironment('prod', { app });
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(environment.archive!).hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: true });
  });

  test('no archive stack where nothing is exported', () => {
    const { environment } = buildEnvironment('staging');
    expect(environment.archive).toBeUndefined();
    expect(environment.stacks.map((s) => s.stackName)).not.toContain('CentralLogging-staging-Archive');
  });

  test('bad settings are reported together', () => {
    expect(problemsOf('prod', { archive: { retentionYears: 0, transitionAfterDays: -1, storageClass: 'ONEZONE_IA' as never } })).toEqual([
      'prod: archive.retentionYears must be a whole number from 1 to 99, got 0',
      'prod: archive.transitionAfterDays must be a whole number ≥ 0 and below the retention (0 days), got -1',
      'prod: archive.storageClass must be one of GLACIER_IR, GLACIER, DEEP_ARCHIVE, got "ONEZONE_IA"',
    ]);
    expect(problemsOf('prod', { archive: { retentionYears: 1, transitionAfterDays: 400 } })).toEqual([
      'prod: archive.transitionAfterDays must be a whole number ≥ 0 and below the retention (366 days), got 400',
    ]);
  });
});

describe('the archive counts against the 2 subscription filters of a group', () => {
  test('an archived group that already has two subscriptions (its forwarder and an external one) is refused', () => {
    const services = [{ service: 'ecs' as const, name: 'payments', types: ['errors', 'llm'] as const, externalSubscriptionFilters: 1 }];
    expect(problemsOf('prod', { services, exportTypes: ['errors', 'llm'] })).toEqual([
      'prod: services[0] (ecs "payments"): log group "/aws/ecs/payments/errors" would need 3 subscription filters (Sentry + archive + 1 external); CloudWatch allows 2',
      'prod: services[0] (ecs "payments"): log group "/aws/ecs/payments/llm" would need 3 subscription filters (Langfuse + archive + 1 external); CloudWatch allows 2',
    ]);
    // Counted whether or not the forwarder is deployed yet: a later secret must not break a working archive.
    expect(problemsOf('prod', { services, exportTypes: ['errors'] }, TEST_SECRETS)).toHaveLength(1);
  });

  test('archive plus one forwarder fits', () => {
    expect(problemsOf('prod', { exportTypes: ['audit', 'errors', 'llm'] }, TEST_SECRETS)).toEqual([]);
  });
});
