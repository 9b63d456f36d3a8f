import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { acknowledgeAccessLogsBucket, acknowledgeArchiveBucket } from './archive-acknowledgments';
import { ResolvedArchive } from './archive-config';

/** Multipart uploads Firehose abandons are cleaned up after this many days. */
const ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;

const STORAGE_CLASSES: Readonly<Record<ResolvedArchive['storageClass'], s3.StorageClass>> = {
  GLACIER_IR: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
  GLACIER: s3.StorageClass.GLACIER,
  DEEP_ARCHIVE: s3.StorageClass.DEEP_ARCHIVE,
};

export interface ArchiveBucketProps {
  readonly environment: string;
  readonly archive: ResolvedArchive;
}

/**
 * Where archived log groups end up: KMS-encrypted with its own key, versioned, TLS 1.2+ only, no public access,
 * Object Lock in compliance mode for the configured retention (no one, the root user included, can delete or
 * overwrite an object sooner), moved to a colder class once rarely read, and expired when the lock has run out.
 * Reads and writes are recorded by S3 server access logs in a second bucket.
 *
 * Always retained, whatever the environment's removal policy: locked objects cannot be deleted, so a stack delete
 * could only fail on it, and a key deleted under them would make seven years of records unreadable.
 */
export class ArchiveBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly key: kms.Key;
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const { archive } = props;
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${PROJECT} ${props.environment} log archive`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // S3 server access logs can only be delivered to a bucket with S3-managed encryption.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // No object ownership here: S3 log delivery is granted by bucket policy or, without the
      // `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag, by the ACL that needs ObjectWriter; CDK picks.
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Who read the archive matters as long as the archive does.
      lifecycleRules: [
        {
          id: 'expire-with-the-archive',
          expiration: Duration.days(archive.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS),
        },
      ],
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(archive.retentionDays)),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'colder-then-expire',
          transitions: [
            { storageClass: STORAGE_CLASSES[archive.storageClass], transitionAfter: Duration.days(archive.transitionAfterDays) },
          ],
          // Versions stay locked: lifecycle expiry only acts on them once their retention is over.
          expiration: archive.expireAfterRetention ? Duration.days(archive.retentionDays) : undefined,
          noncurrentVersionExpiration: archive.expireAfterRetention ? Duration.days(1) : undefined,
          abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS),
        },
      ],
    });
    acknowledgeAccessLogsBucket(this.accessLogsBucket);
    acknowledgeArchiveBucket(this.bucket);
  }
}
