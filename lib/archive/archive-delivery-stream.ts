import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PROJECT } from '../config/environment-config';
import { ProjectLogGroup, ProjectLogGroupProps } from '../data-protection/project-log-group';
import { acknowledgeArchiveObjectWildcard } from './archive-acknowledgments';

/** Firehose's limits on a delivery stream's name and buffering. */
export const MAX_DELIVERY_STREAM_NAME_LENGTH = 64;
export const MAX_BUFFERING_INTERVAL = Duration.seconds(900);
/** IAM's limit on a role name. */
export const MAX_ROLE_NAME_LENGTH = 64;

/** Names fixed so the wiring stacks name the destination and role without cross-stack references. */
export function archiveStreamName(environment: string): string {
  return checkedName(`${PROJECT}-${environment}-archive`, MAX_DELIVERY_STREAM_NAME_LENGTH, 'delivery stream');
}
export function archiveSubscriptionRoleName(environment: string): string {
  return checkedName(`${PROJECT}-${environment}-logs-to-archive`, MAX_ROLE_NAME_LENGTH, 'role');
}
/** Firehose's own errors (S3 or KMS refusing), in a group that follows the naming convention. */
export const ARCHIVE_ERRORS_LOG_GROUP = `/aws/${PROJECT}/archive/errors`;
const ERROR_LOG_STREAM = 'S3Delivery';

function checkedName(name: string, max: number, what: string): string {
  if (name.length > max) throw new Error(`${what} name "${name}" is longer than ${max} characters`);
  return name;
}

export interface ArchiveDeliveryStreamProps {
  readonly environment: string;
  readonly bucket: s3.IBucket;
  readonly bucketKey: kms.IKey;
  /** How Firehose's error group is kept: the logs key, the errors tier, removal and deletion protection. */
  readonly errorLogGroup: Omit<ProjectLogGroupProps, 'logGroupName' | 'purpose'>;
}

/**
 * The Firehose delivery stream that archives subscribed groups to the bucket, and the two roles around it: the one
 * Firehose writes to S3 with, and the one CloudWatch Logs puts records with. CloudWatch Logs sends gzip'd batches;
 * Firehose decompresses them and writes one JSON envelope per line (log group, stream, event ids, timestamps and
 * messages: the provenance an auditor asks for), gzip'd, under `logs/yyyy/MM/dd/`.
 */
export class ArchiveDeliveryStream extends Construct {
  public readonly deliveryStream: firehose.CfnDeliveryStream;
  public readonly deliveryStreamName: string;
  public readonly deliveryStreamArn: string;
  public readonly firehoseRole: iam.Role;
  public readonly firehosePolicy: iam.ManagedPolicy;
  public readonly subscriptionRole: iam.Role;
  public readonly errorLogGroup: logs.LogGroup;
  /** The error group's name, as a plain string (no token) for descriptions in other stacks. */
  public readonly errorLogGroupName = ARCHIVE_ERRORS_LOG_GROUP;

  constructor(scope: Construct, id: string, props: ArchiveDeliveryStreamProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deliveryStreamName = archiveStreamName(props.environment);
    this.deliveryStreamArn = stack.formatArn({
      service: 'firehose',
      resource: 'deliverystream',
      resourceName: this.deliveryStreamName,
    });

    this.errorLogGroup = new ProjectLogGroup(this, 'Errors', {
      ...props.errorLogGroup,
      logGroupName: ARCHIVE_ERRORS_LOG_GROUP,
      purpose: 'archive-delivery-errors',
    }).logGroup;
    const errorStream = new logs.LogStream(this, 'ErrorStream', {
      logGroup: this.errorLogGroup,
      logStreamName: ERROR_LOG_STREAM,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.firehoseRole = new iam.Role(this, 'FirehoseRole', {
      description: `Lets Firehose write the ${props.environment} log archive to S3`,
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': stack.account } },
      }),
    });
    const writeObjects = new iam.PolicyStatement({
      sid: 'WriteArchiveObjects',
      actions: [
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
      ],
      resources: [props.bucket.bucketArn, props.bucket.arnForObjects('*')],
    });
    this.firehosePolicy = new iam.ManagedPolicy(this, 'FirehosePolicy', {
      description: `What Firehose may do to deliver the ${props.environment} log archive`,
      roles: [this.firehoseRole],
      statements: [
        writeObjects,
        new iam.PolicyStatement({
          sid: 'EncryptArchiveObjects',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.bucketKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
        new iam.PolicyStatement({
          sid: 'LogDeliveryErrors',
          actions: ['logs:PutLogEvents'],
          resources: [
            stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: `${ARCHIVE_ERRORS_LOG_GROUP}:log-stream:${ERROR_LOG_STREAM}`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      ],
    });
    acknowledgeArchiveObjectWildcard(this.firehosePolicy, writeObjects);

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'Resource', {
      deliveryStreamName: this.deliveryStreamName,
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.firehoseRole.roleArn,
        prefix: 'logs/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/',
        bufferingHints: { intervalInSeconds: MAX_BUFFERING_INTERVAL.toSeconds(), sizeInMBs: 64 },
        compressionFormat: 'GZIP',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.bucketKey.keyArn } },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: ARCHIVE_ERRORS_LOG_GROUP, logStreamName: ERROR_LOG_STREAM },
        processingConfiguration: {
          enabled: true,
          processors: [
            { type: 'Decompression', parameters: [{ parameterName: 'CompressionFormat', parameterValue: 'GZIP' }] },
            { type: 'AppendDelimiterToRecord', parameters: [] },
          ],
        },
      },
    });
    // Firehose checks its role on creation: the policy and the error stream must exist first.
    this.deliveryStream.node.addDependency(this.firehosePolicy, errorStream);

    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      roleName: archiveSubscriptionRoleName(props.environment),
      description: `Lets CloudWatch Logs of this account put archived events into ${this.deliveryStreamName}`,
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: {
          StringLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
        },
      }),
    });
    new iam.ManagedPolicy(this, 'SubscriptionPolicy', {
      description: `Lets CloudWatch Logs put archived events into ${this.deliveryStreamName}`,
      roles: [this.subscriptionRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'PutIntoArchiveStream',
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [this.deliveryStreamArn],
        }),
      ],
    });
  }
}
