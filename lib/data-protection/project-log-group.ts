import { Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RetentionDays } from '../config/log-types';
import { RetainOrDestroy, removalPolicyOf } from '../removal-policy';

export interface ProjectLogGroupProps {
  /** A name that follows the convention, with the project as service (`/aws/central-logging/<name>/<type>`). */
  readonly logGroupName: string;
  /** The tier of its type in the environment. */
  readonly retentionDays: RetentionDays;
  /** The environment's logs key. */
  readonly encryptionKey: kms.IKey;
  /** What writes to it (`Purpose` tag). */
  readonly purpose: string;
  /** @default 'retain' */
  readonly removalPolicy?: RetainOrDestroy;
  /** CloudWatch's deletion protection. @default false */
  readonly deletionProtection?: boolean;
}

/**
 * A log group the project itself writes to (data-protection findings, the archive's delivery errors): encrypted
 * with the logs key, kept for its tier, protected like the catalogue's groups. It carries no `LogType` tag: it is
 * not part of the catalogue (the synth summary and the audit count only those).
 */
export class ProjectLogGroup extends Construct {
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ProjectLogGroupProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Resource', {
      logGroupName: props.logGroupName,
      retention: props.retentionDays as number as logs.RetentionDays,
      encryptionKey: props.encryptionKey,
      removalPolicy: removalPolicyOf(props.removalPolicy),
      deletionProtectionEnabled: props.deletionProtection || undefined,
    });
    Tags.of(this.logGroup).add('RetentionDays', String(props.retentionDays));
    Tags.of(this.logGroup).add('Purpose', props.purpose);
  }
}
