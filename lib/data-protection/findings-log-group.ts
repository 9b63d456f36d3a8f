import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RetentionDays } from '../config/log-types';

export interface DataProtectionFindingsLogGroupProps {
  /** The group's name (`DATA_PROTECTION_FINDINGS_LOG_GROUP`). */
  readonly logGroupName: string;
  /** The audit tier of the environment. */
  readonly retentionDays: RetentionDays;
  /** The environment's logs key. */
  readonly encryptionKey: kms.IKey;
  /** @default 'retain' */
  readonly removalPolicy?: 'retain' | 'destroy';
  /** CloudWatch's deletion protection. @default false */
  readonly deletionProtection?: boolean;
}

/**
 * The audit group that receives the findings of every data-protection policy of the environment: which group, which
 * identifier, when (never the matched value itself). Stateful, so it lives with the logs key and exists before any
 * policy names it.
 */
export class DataProtectionFindingsLogGroup extends Construct {
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DataProtectionFindingsLogGroupProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Resource', {
      logGroupName: props.logGroupName,
      retention: props.retentionDays as number as logs.RetentionDays,
      encryptionKey: props.encryptionKey,
      removalPolicy: (props.removalPolicy ?? 'retain') === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtectionEnabled: props.deletionProtection || undefined,
    });
    // No LogType tag: the project's own groups are not part of the catalogue (synth summary, audit).
    Tags.of(this.logGroup).add('RetentionDays', String(props.retentionDays));
    Tags.of(this.logGroup).add('Purpose', 'data-protection-findings');
  }
}
