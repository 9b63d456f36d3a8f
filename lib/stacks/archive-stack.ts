import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ArchiveBucket } from '../archive/archive-bucket';
import { ArchiveDeliveryStream } from '../archive/archive-delivery-stream';
import { ResolvedEnvironment } from '../config/resolve';

export interface ArchiveStackProps extends StackProps {
  readonly environment: ResolvedEnvironment;
  /** The environment's logs key (Firehose's error group is encrypted with it). */
  readonly logsKey: kms.IKey;
}

/**
 * Stateful: the archive of the groups tagged `ExportEnabled=true`: the Object Lock bucket, its key, its access-log
 * bucket, the Firehose delivery stream and its roles. The subscriptions live in the wiring stacks.
 */
export class ArchiveStack extends Stack {
  public readonly archiveBucket: ArchiveBucket;
  public readonly delivery: ArchiveDeliveryStream;

  constructor(scope: Construct, id: string, props: ArchiveStackProps) {
    super(scope, id, props);
    const env = props.environment;
    this.archiveBucket = new ArchiveBucket(this, 'Archive', { environment: env.name, archive: env.archive });
    this.delivery = new ArchiveDeliveryStream(this, 'Delivery', {
      environment: env.name,
      bucket: this.archiveBucket.bucket,
      bucketKey: this.archiveBucket.key,
      errorLogGroup: {
        encryptionKey: props.logsKey,
        retentionDays: env.retention.errors,
        removalPolicy: env.removalPolicy,
        deletionProtection: env.logGroupDeletionProtection,
      },
    });
  }
}
