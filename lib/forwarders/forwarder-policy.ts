import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * The forwarder role's statements, written out instead of taken from `grant*()` helpers: the helpers would give the
 * role an unconditional `kms:Decrypt` on the logs key (for the encrypted queues), which would let it open every
 * secret of the environment, not only its own.
 */

/** Writing its own log streams; the group itself exists already (Core stack), so no `logs:CreateLogGroup`. */
export function ownLogStatement(stack: Stack, logGroupName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'WriteOwnLogStreams',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${logGroupName}:log-stream:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
  });
}

/**
 * Parking in and reading back the retry queue (the SQS event source polls with the function's role), and the
 * asynchronous on-failure destination, which Lambda sends to with the same role.
 */
export function queueStatements(retryQueueArn: string, deadLetterQueueArn: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ParkAndConsumeRetries',
      actions: [
        'sqs:SendMessage',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ],
      resources: [retryQueueArn],
    }),
    new iam.PolicyStatement({
      sid: 'DeadLetterRefusedPayloadsAndCrashedInvocations',
      actions: ['sqs:SendMessage'],
      resources: [deadLetterQueueArn],
    }),
  ];
}

/**
 * The logs key, for SQS server-side encryption only: through SQS in this region (`kms:ViaService`) and for these
 * two queues (SQS puts `aws:sqs:arn` in the encryption context).
 */
export function queueKeyStatement(stack: Stack, key: kms.IKey, queueArns: readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'UseLogsKeyForOwnQueuesOnly',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: [key.keyArn],
    conditions: {
      StringEquals: {
        'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}`,
        'kms:EncryptionContext:aws:sqs:arn': [...queueArns],
      },
    },
  });
}
