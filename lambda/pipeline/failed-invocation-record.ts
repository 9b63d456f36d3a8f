import { isRecord } from './unknown-values';

/**
 * Lambda's record of an asynchronous invocation that failed for good (crash, timeout, out of memory, or too old to
 * run), as its on-failure destination writes it to the forwarder's dead-letter queue. It carries the subscription
 * payload the invocation was given (`requestPayload`), so the batch can be replayed: redriven from the dead-letter
 * queue to the retry queue (SQS start-message-move-task), the retry-queue consumer reads it as that payload parked
 * raw. Without this, a redriven crash record would fail every receive and go back to the dead-letter queue.
 *
 * Shape (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * `{ version: "1.0", timestamp, requestContext: { requestId, functionArn, condition, approximateInvokeCount },
 *    requestPayload, responseContext?: { statusCode, executedVersion, functionError }, responsePayload? }`.
 * Lambda drops `requestPayload` when the record would not fit the destination's size limit.
 */

export interface FailedInvocation {
  /** The subscription payload's `awslogs.data`, as the invocation received it. */
  readonly data: string;
  /** Why Lambda gave up: `RetriesExhausted` or `EventAgeExceeded`. */
  readonly condition: string;
  /** How many times Lambda ran the invocation (0 when it expired before running). */
  readonly invokeCount: number;
  /** When Lambda wrote the record (ISO 8601). */
  readonly failedAt: string;
  /** The invocation's own request id, to find its logs. */
  readonly requestId: string;
}

export type ReadFailedInvocation =
  | { readonly kind: 'not-a-record' }
  | { readonly kind: 'replayable'; readonly invocation: FailedInvocation }
  | { readonly kind: 'not-replayable'; readonly reason: string };

export function readFailedInvocationRecord(value: unknown): ReadFailedInvocation {
  if (!isRecord(value) || value.version !== '1.0' || !isRecord(value.requestContext)) return { kind: 'not-a-record' };
  const { requestContext, requestPayload, timestamp } = value;
  const condition = requestContext.condition;
  if (typeof condition !== 'string') return { kind: 'not-a-record' };
  const requestId = typeof requestContext.requestId === 'string' ? requestContext.requestId : 'unknown';
  if (requestPayload === undefined) {
    return { kind: 'not-replayable', reason: `Lambda's record of failed invocation ${requestId} carries no request payload (dropped above the destination's size limit); its batch cannot be replayed from it` };
  }
  const data = isRecord(requestPayload) && isRecord(requestPayload.awslogs) ? requestPayload.awslogs.data : undefined;
  if (typeof data !== 'string') {
    return { kind: 'not-replayable', reason: `Lambda's record of failed invocation ${requestId} is not of a CloudWatch Logs subscription (no awslogs.data)` };
  }
  const invokeCount = typeof requestContext.approximateInvokeCount === 'number' ? requestContext.approximateInvokeCount : 0;
  return {
    kind: 'replayable',
    invocation: { data, condition, invokeCount, failedAt: typeof timestamp === 'string' ? timestamp : '', requestId },
  };
}
