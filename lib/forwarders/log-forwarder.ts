import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../lambda/pipeline/env-names';
import { forwarderNodeOptions } from '../../lambda/bundling';
import { acknowledgeForwarderFunction, acknowledgeOwnLogStreams } from './forwarder-acknowledgments';
import { ForwarderDestination } from './forwarder-names';
import { ownLogStatement, queueKeyStatement, queueStatements } from './forwarder-policy';
import { ForwarderSecret, secretDecryptStatements, secretEnvironment } from './forwarder-secrets';
import { RETRY_MAX_RECEIVES, RetryQueues } from './retry-queues';
import type { RetainOrDestroy } from '../removal-policy';

/** Lambda's limit on the total size of a function's environment variables (keys and values). */
export const MAX_LAMBDA_ENVIRONMENT_BYTES = 4 * 1024;
/** What an unresolved token (e.g. the retry queue's URL) is counted as when checking that limit. */
const TOKEN_VALUE_ALLOWANCE_BYTES = 256;
/** Lambda's bounds on asynchronous retries and on an event's age in the async queue. */
export const LAMBDA_MAX_ASYNC_RETRY_ATTEMPTS = 2;
export const LAMBDA_MAX_EVENT_AGE = Duration.hours(6);
/** An SQS event source's `maxConcurrency` must be at least 2. */
export const SQS_EVENT_SOURCE_MIN_CONCURRENCY = 2;
/**
 * Parked messages per retry invocation: SQS's maximum for one receive, and small enough to finish well in time. The
 * handler reads a raw batch among them only when its turn comes, so one inflated batch is in memory at a time.
 */
export const RETRY_BATCH_SIZE = 10;

/** The sizing the resolved config carries (defaults already applied there). */
export interface ForwarderSizingProps {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  /** @default - no reserved concurrency */
  readonly reservedConcurrency?: number;
}

/** The handler's code: where it is and how `NodejsFunction` bundles it (local esbuild). */
export interface ForwarderCode {
  /** The handler's TypeScript entry file. */
  readonly entry: string;
  /** @default 'handler' */
  readonly handler?: string;
  /** The esbuild options the Lambda code exports; Docker bundling is always switched off here. */
  readonly bundling?: nodejs.BundlingOptions;
}

export interface LogForwarderProps {
  readonly destination: ForwarderDestination;
  /** Fixed function name (see `forwarderFunctionName`). */
  readonly functionName: string;
  readonly code: ForwarderCode;
  readonly sizing: ForwarderSizingProps;
  /** The destination's own settings (`SENTRY_ENVIRONMENT`, `LANGFUSE_BASE_URL`, …); never a secret. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Secrets, as KMS ciphertexts of `encryptionKey`. */
  readonly secrets: readonly ForwarderSecret[];
  /** The environment's logs key: decrypts the secrets and encrypts the queues. */
  readonly encryptionKey: kms.IKey;
  /** The function's own log group, created in the stateful Core stack. */
  readonly logGroup: logs.ILogGroup;
  /**
   * Lambda's own retries of a failed asynchronous invocation (0–2). The handler returns success once every event is
   * delivered or parked, so only a crash fails an invocation; whether re-running it is safe depends on whether the
   * destination drops duplicates, which only the destination's factory knows.
   */
  readonly retryAttempts: number;
  /** The environment's removal policy, for the queues that hold parked messages. @default 'retain' */
  readonly removalPolicy?: RetainOrDestroy;
}

/**
 * One log forwarder: a Node.js Lambda on arm64 bundled locally by esbuild, fed by CloudWatch Logs subscriptions
 * (asynchronous invocations) and by its own SQS retry queue.
 *
 * Nothing lost: what cannot be delivered in time is parked in the retry queue and re-delivered by the same function
 * (partial batch responses); after `RETRY_MAX_RECEIVES` receives a message moves to the DLQ. A crashed invocation's
 * event goes to the same DLQ through the asynchronous on-failure destination, as does an event that waited in
 * Lambda's async queue longer than `LAMBDA_MAX_EVENT_AGE` (e.g. under throttling).
 *
 * One resource policy statement: CloudWatch Logs may invoke the function for any log group of this account and
 * region. One statement per group would hit Lambda's 20 KB resource-policy limit at about 44 groups
 * (aws/aws-cdk#14198); that is why the subscriptions are created with `addPermissions: false` semantics.
 */
export class LogForwarder extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly queues: RetryQueues;
  public readonly role: iam.Role;
  /** The single `logs.amazonaws.com` invoke permission. */
  public readonly logsInvokePermission: lambda.CfnPermission;
  /** Lambda's own retries of a crashed asynchronous invocation (what the alarms tell the reader). */
  public readonly retryAttempts: number;

  constructor(scope: Construct, id: string, props: LogForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Number.isInteger(props.retryAttempts) || props.retryAttempts < 0 || props.retryAttempts > LAMBDA_MAX_ASYNC_RETRY_ATTEMPTS) {
      throw new Error(`retryAttempts must be 0–${LAMBDA_MAX_ASYNC_RETRY_ATTEMPTS}, got ${props.retryAttempts}`);
    }
    this.retryAttempts = props.retryAttempts;
    const timeout = Duration.seconds(props.sizing.timeoutSeconds);
    this.queues = new RetryQueues(this, 'Queues', {
      encryptionKey: props.encryptionKey,
      functionTimeout: timeout,
      removalPolicy: props.removalPolicy,
    });
    const { retryQueue, deadLetterQueue } = this.queues;

    // One customer-managed policy rather than CDK's inline default policy: NIST 800-53 (IAMNoInlinePolicy) wants
    // permissions reviewable as a policy of their own, and no grant helper can add an unscoped statement behind it.
    const ownLogs = ownLogStatement(stack, props.logGroup.logGroupName);
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `What the ${props.destination} log forwarder may do: its log streams, its queues, its secrets`,
      statements: [
        ownLogs,
        ...queueStatements(retryQueue.queueArn, deadLetterQueue.queueArn),
        queueKeyStatement(stack, props.encryptionKey, this.queues.queueArns),
        ...secretDecryptStatements(props.encryptionKey, props.secrets),
      ],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.functionName}`,
      managedPolicies: [policy],
    });
    acknowledgeOwnLogStreams(policy.node.defaultChild!, ownLogs);

    const environment: Record<string, string> = {
      // Source maps for readable stacks; heap limits sized to the function (measured in lambda/bundling.ts).
      NODE_OPTIONS: forwarderNodeOptions(props.sizing.memoryMiB),
      [ENV.retryQueueUrl]: retryQueue.queueUrl,
      // Payloads the destination refused for good (400, 401/403) go straight here, with the reason.
      [ENV.deadLetterQueueUrl]: deadLetterQueue.queueUrl,
      [ENV.retryMaxReceives]: String(RETRY_MAX_RECEIVES),
      ...props.environmentVariables,
      ...secretEnvironment(props.secrets),
    };
    this.node.addValidation({ validate: () => environmentSizeProblems(environment) });

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: `Forwards CloudWatch log events to ${props.destination}; parks what fails in its retry queue`,
      entry: props.code.entry,
      handler: props.code.handler ?? 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.sizing.memoryMiB,
      timeout,
      reservedConcurrentExecutions: props.sizing.reservedConcurrency,
      role: this.role,
      logGroup: props.logGroup,
      environment,
      // Whatever the code's options say, these hold: local esbuild only (never Docker), minified with source maps
      // (read at run time through NODE_OPTIONS), and the runtime's own AWS SDK.
      bundling: {
        ...props.code.bundling,
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        externalModules: [...new Set(['@aws-sdk/*', ...(props.code.bundling?.externalModules ?? [])])],
      },
    });

    acknowledgeForwarderFunction(this.function.node.defaultChild as lambda.CfnFunction, props.sizing.reservedConcurrency);

    new lambda.EventInvokeConfig(this, 'AsyncInvokeConfig', {
      function: this.function,
      retryAttempts: this.retryAttempts,
      maxEventAge: LAMBDA_MAX_EVENT_AGE,
      // The DLQ by ARN (not `SqsDestination`, whose grant would add an unscoped kms:Decrypt; see forwarder-policy).
      onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
    });

    const reserved = props.sizing.reservedConcurrency;
    new lambda.EventSourceMapping(this, 'RetryQueueSource', {
      target: this.function,
      eventSourceArn: retryQueue.queueArn,
      batchSize: RETRY_BATCH_SIZE,
      reportBatchItemFailures: true,
      // Re-deliveries should not crowd out fresh logs: the fewest pollers SQS allows, within the reserved pool.
      maxConcurrency: reserved === undefined || reserved >= SQS_EVENT_SOURCE_MIN_CONCURRENCY ? SQS_EVENT_SOURCE_MIN_CONCURRENCY : undefined,
    });

    this.logsInvokePermission = new lambda.CfnPermission(this, 'LogsInvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionArn,
      principal: 'logs.amazonaws.com',
      sourceAccount: stack.account,
      sourceArn: logsWildcardSourceArn(stack),
    });
  }
}

/**
 * Every log group of the stack's account and region: the one source ARN of the invoke permission. Narrower per-group
 * ARNs would need one statement each (see the class comment).
 */
export function logsWildcardSourceArn(stack: Stack): string {
  return stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

/** Lambda refuses an environment over 4 KB; tokens count at a generous allowance. */
export function environmentSizeProblems(environment: Readonly<Record<string, string>>): string[] {
  const bytes = Object.entries(environment).reduce(
    (sum, [key, value]) =>
      sum + Buffer.byteLength(key) + (Token.isUnresolved(value) ? TOKEN_VALUE_ALLOWANCE_BYTES : Buffer.byteLength(value)),
    0,
  );
  return bytes > MAX_LAMBDA_ENVIRONMENT_BYTES
    ? [`the forwarder's environment variables take about ${bytes} bytes; Lambda allows ${MAX_LAMBDA_ENVIRONMENT_BYTES} (shorten redactionPatterns?)`]
    : [];
}
