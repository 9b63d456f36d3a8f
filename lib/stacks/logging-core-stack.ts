import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from '../config/resolve';
import { ProjectLogGroup } from '../data-protection/project-log-group';
import { LogsEncryptionKey } from '../logs-encryption-key';

export interface LoggingCoreStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
}

/**
 * Stateful: the environment's logs key, which everything that encrypts logs refers to, and the project's own groups
 * that must exist before the shards (the data-protection findings group; the forwarders add theirs).
 */
export class LoggingCoreStack extends Stack {
  public readonly logsKey: kms.IKey;

  constructor(scope: Construct, id: string, props: LoggingCoreStackProps) {
    super(scope, id, props);
    const key = new LogsEncryptionKey(this, 'LogsKey', {
      aliasName: props.environment.kmsKeyAlias,
      removalPolicy: props.environment.removalPolicy,
    });
    this.logsKey = key.key;

    // The groups' data-protection policies name this group: it must exist whenever one of them does.
    const env = props.environment;
    if (env.logGroups.some((g) => g.dataProtection)) {
      new ProjectLogGroup(this, 'DataProtectionFindings', {
        logGroupName: env.dataProtection.findingsLogGroup,
        retentionDays: env.retention.audit,
        purpose: 'data-protection-findings',
        encryptionKey: this.logsKey,
        removalPolicy: env.removalPolicy,
        deletionProtection: env.logGroupDeletionProtection,
      });
    }
  }
}
