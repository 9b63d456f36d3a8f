import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RetainOrDestroy, removalPolicyOf } from './removal-policy';

/** The actions CloudWatch Logs needs on a customer managed key to encrypt a log group. */
export const CLOUDWATCH_LOGS_KEY_ACTIONS = [
  'kms:Encrypt*',
  'kms:Decrypt*',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
] as const;

/** KMS's limit on a key policy document; the policy here is a few statements, far below it. */
export const MAX_KEY_POLICY_BYTES = 32 * 1024;

export interface LogsEncryptionKeyProps {
  /** The alias, e.g. `alias/central-logging/prod/logs`. */
  readonly aliasName: string;
  /** @default 'retain' - a deleted key makes every log encrypted with it unreadable */
  readonly removalPolicy?: RetainOrDestroy;
  /**
   * Waiting period before a key scheduled for deletion is deleted (only with `removalPolicy: 'destroy'`).
   * @default Duration.days(7)
   */
  readonly pendingWindow?: Duration;
}

/**
 * One dedicated KMS key per environment for its logs and what carries them: the log groups, the forwarders' retry
 * and dead-letter queues and the forwarders' secrets, each grant scoped by its own encryption-context condition (no
 * other service or account shares it); rotated yearly, kept on stack deletion.
 *
 * aws-cdk-lib does not grant CloudWatch Logs the use of a key passed as a log group's `encryptionKey`
 * (aws/aws-cdk#28304), and CreateLogGroup then fails. This construct adds that grant, scoped by the
 * `kms:EncryptionContext:aws:logs:arn` condition to log groups of this account and region. The condition is built
 * from the account/region pattern, never from a log group's ARN token: that would make the key depend on the group
 * and the group on the key.
 */
export class LogsEncryptionKey extends Construct {
  public readonly key: kms.Key;
  public readonly alias: kms.Alias;

  constructor(scope: Construct, id: string, props: LogsEncryptionKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = removalPolicyOf(props.removalPolicy);
    const retain = removalPolicy === RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the CloudWatch log groups of ${props.aliasName.replace(/^alias\//, '')}`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: retain ? undefined : (props.pendingWindow ?? Duration.days(7)),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [...CLOUDWATCH_LOGS_KEY_ACTIONS],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.alias = new kms.Alias(this, 'Alias', {
      aliasName: props.aliasName,
      targetKey: this.key,
      removalPolicy,
    });
  }
}
