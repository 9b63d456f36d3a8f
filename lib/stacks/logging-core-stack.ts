import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from '../config/resolve';
import { LogsEncryptionKey } from '../logs-encryption-key';

export interface LoggingCoreStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
}

/** Stateful: the environment's logs key. Everything that encrypts logs refers to it. */
export class LoggingCoreStack extends Stack {
  public readonly logsKey: kms.IKey;

  constructor(scope: Construct, id: string, props: LoggingCoreStackProps) {
    super(scope, id, props);
    const key = new LogsEncryptionKey(this, 'LogsKey', {
      aliasName: props.environment.kmsKeyAlias,
      removalPolicy: props.environment.removalPolicy,
    });
    this.logsKey = key.key;
  }
}
