import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { acknowledgeWildcardResources } from '../compliance';

/**
 * The cdk-nag findings a forwarder keeps on purpose, each acknowledged on the one resource it concerns, with the
 * reason. Everything else the packs ask for (DLQ, TLS-only queues, KMS, no inline policies, latest runtime) is done.
 */

export function acknowledgeOwnLogStreams(policy: IConstruct, statement: iam.PolicyStatement): void {
  acknowledgeWildcardResources(
    policy,
    statement,
    "The log-stream part of the function's own log group ARN: the Lambda runtime names its streams at run time.",
  );
}

export function acknowledgeForwarderFunction(fn: lambda.CfnFunction, reservedConcurrency: number | undefined): void {
  Validations.of(fn).acknowledge(
    {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to the forwarder\'s SQS dead-letter queue through the on-failure destination (EventInvokeConfig), which records the error with the event; a legacy DeadLetterConfig as well would deliver every crash twice.',
    },
    {
      id: 'NIST.800.53.R5-LambdaInsideVPC',
      reason:
        'The forwarder reaches only public HTTPS endpoints (Sentry, Langfuse) and AWS APIs, over TLS, and accepts no inbound traffic; a VPC would add a NAT gateway and no control over data that leaves for those services anyway.',
    },
  );
  if (reservedConcurrency === undefined) {
    Validations.of(fn).acknowledge({
      id: 'NIST.800.53.R5-LambdaConcurrency',
      reason:
        'No reserved concurrency is configured for this environment (forwarders.reservedConcurrency): reserving would take capacity from the account pool in a small account; events that wait are kept by Lambda for up to 6 hours, then go to the DLQ. Set it per environment to cap the forwarder (prod does).',
    });
  }
}
