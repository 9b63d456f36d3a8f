import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResources } from '../compliance';

/**
 * The cdk-nag findings the archive keeps on purpose, each acknowledged on the one resource it concerns, with the
 * reason. Everything else the packs ask for (KMS, versioning, TLS-only, public access blocked, access logs,
 * managed policies) is done.
 */

/** Firehose names its objects at run time (date prefix, random suffix): the object part of the ARN is a wildcard. */
export function acknowledgeArchiveObjectWildcard(policy: iam.ManagedPolicy, statement: iam.PolicyStatement): void {
  acknowledgeWildcardResources(
    policy,
    statement,
    'The objects of the archive bucket only: Firehose names each object at delivery time (date prefix, random suffix). Its actions are write and multipart upload, no delete; Object Lock in compliance mode protects what is written.',
  );
}

export function acknowledgeArchiveBucket(bucket: s3.Bucket): void {
  Validations.of(bucket).acknowledge({
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      'Copies of the archive outside its region are a data-residency decision (GDPR transfers) the environment owner makes, not a default; versioning and Object Lock in compliance mode already make every object undeletable for its retention.',
  });
}

export function acknowledgeAccessLogsBucket(bucket: s3.Bucket): void {
  Validations.of(bucket).acknowledge(
    {
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason: 'S3 server access logs can only be delivered to a bucket encrypted with S3-managed keys (SSE-S3), which it is.',
    },
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'The access logs of the archive stay in its region like the archive itself (a data-residency decision); versioning keeps overwritten log objects.',
    },
  );
}
