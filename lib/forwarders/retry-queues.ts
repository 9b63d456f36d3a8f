import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_RETRY_MAX_RECEIVES } from '../../lambda/pipeline/forwarder';
import { SQS_MAX_MESSAGE_BYTES } from '../../lambda/pipeline/retry-queue';
import { RetainOrDestroy, removalPolicyOf } from '../removal-policy';

/**
 * Receives of a parked message before SQS moves it to the dead-letter queue: enough to ride out a destination's
 * outage of several visibility timeouts, bounded so a poison message cannot cycle for the queue's whole retention.
 * The handler's default is the same number (one constant); the construct still passes it as `RETRY_MAX_RECEIVES`.
 */
export const RETRY_MAX_RECEIVES = DEFAULT_RETRY_MAX_RECEIVES;
/**
 * AWS's advice for an SQS event source: a visibility timeout of at least six times the function's timeout, so a
 * message is not received again while a throttled or retrying invocation still holds it.
 */
export const VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT = 6;
/** SQS's bounds on a queue's visibility timeout and retention. */
export const SQS_MAX_VISIBILITY_TIMEOUT = Duration.hours(12);
export const SQS_MAX_RETENTION = Duration.days(14);
/**
 * The retry queue keeps a message 4 days; the DLQ keeps it the maximum 14. A standard queue's message keeps its
 * original enqueue time when it moves to the DLQ, so the DLQ's retention must be the longer one or dead letters
 * would expire on arrival.
 */
export const RETRY_QUEUE_RETENTION = Duration.days(4);

export interface RetryQueuesProps {
  /** The environment's logs key: parked payloads are log data and stay under the key that guards the logs. */
  readonly encryptionKey: kms.IKey;
  /** The consuming function's timeout, from which the visibility timeout follows. */
  readonly functionTimeout: Duration;
  /**
   * What happens to the queues, and the parked messages in them, when they leave the stack.
   * @default 'retain' - parked messages may be the only copy of an event that has expired from its log group
   */
  readonly removalPolicy?: RetainOrDestroy;
}

/**
 * The forwarder's retry queue and its dead-letter queue: both KMS-encrypted with the logs key and TLS-only
 * (`enforceSSL` adds a Deny for `aws:SecureTransport = false`); after `RETRY_MAX_RECEIVES` receives a message goes
 * to the DLQ, which also receives the records of crashed asynchronous invocations.
 */
export class RetryQueues extends Construct {
  public readonly retryQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RetryQueuesProps) {
    super(scope, id);
    const encrypted = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      maxMessageSizeBytes: SQS_MAX_MESSAGE_BYTES,
      removalPolicy: removalPolicyOf(props.removalPolicy),
    } as const;
    const visibility = props.functionTimeout.toSeconds() * VISIBILITY_TIMEOUT_PER_FUNCTION_TIMEOUT;
    if (visibility > SQS_MAX_VISIBILITY_TIMEOUT.toSeconds()) {
      throw new Error(
        `function timeout ${props.functionTimeout.toSeconds()} s needs a visibility timeout of ${visibility} s; SQS allows ${SQS_MAX_VISIBILITY_TIMEOUT.toSeconds()} s`,
      );
    }
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encrypted,
      retentionPeriod: SQS_MAX_RETENTION,
    });
    this.retryQueue = new sqs.Queue(this, 'RetryQueue', {
      ...encrypted,
      retentionPeriod: RETRY_QUEUE_RETENTION,
      visibilityTimeout: Duration.seconds(visibility),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: RETRY_MAX_RECEIVES },
    });
  }

  public get queueArns(): string[] {
    return [this.retryQueue.queueArn, this.deadLetterQueue.queueArn];
  }
}
