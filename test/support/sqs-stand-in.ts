import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * An SQS stand-in on 127.0.0.1 that speaks the AWS JSON 1.0 protocol the SDK v3 uses
 * (`X-Amz-Target: AmazonSQS.<Action>`), reached through `AWS_ENDPOINT_URL_SQS`. It keeps what is sent, can refuse
 * calls or single entries on cue, and turns its messages into the SQS events Lambda's event source mapping would
 * deliver, with receive counts and a dead-letter queue after `maxReceiveCount`.
 */

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly delaySeconds: number;
  receiveCount: number;
}

export interface SqsStandIn {
  readonly endpoint: string;
  readonly queueUrl: string;
  /** Messages sent here (the forwarder's DEAD_LETTER_QUEUE_URL) land in `deadLetters` directly. */
  readonly deadLetterQueueUrl: string;
  readonly messages: StoredMessage[];
  readonly deadLetters: StoredMessage[];
  /** Every X-Amz-Target received, in order. */
  readonly calls: string[];
  /** The next `count` calls answer 500 InternalError. */
  failNextCalls(count: number): void;
  /** Entries whose body (and queue) match are refused in the answer's `Failed` list (e.g. SQS throttling one entry). */
  refuseEntries(predicate: ((body: string, queueUrl: string) => boolean) | undefined): void;
  /** Hands every visible message to a consumer as Lambda would, one receive each. */
  receiveAsLambdaEvent(maxMessages?: number): SQSEvent;
  /** Applies a consumer's partial batch response: failures return to the queue (or its DLQ), the rest are deleted. */
  settle(event: SQSEvent, response: { batchItemFailures: Array<{ itemIdentifier: string }> } | undefined, maxReceiveCount: number): void;
  /** Empties the queue, its dead letters and the call log, and clears scripted failures. */
  reset(): void;
  close(): Promise<void>;
}

const QUEUE_NAME = 'central-logging-sentry-retry';
const DEAD_LETTER_QUEUE_SUFFIX = '-dlq';

export async function startSqsStandIn(): Promise<SqsStandIn> {
  const messages: StoredMessage[] = [];
  const deadLetters: StoredMessage[] = [];
  const calls: string[] = [];
  let failCalls = 0;
  let refuse: ((body: string, queueUrl: string) => boolean) | undefined;
  const inFlight = new Map<string, StoredMessage>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      calls.push(target);
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
        res.end(JSON.stringify(body));
      };
      if (failCalls > 0) {
        failCalls--;
        reply(500, { __type: 'com.amazonaws.sqs#InternalError', message: 'scripted failure' }, { 'x-amzn-query-error': 'InternalError;Receiver' });
        return;
      }
      let input: { QueueUrl?: string; Entries?: Array<{ Id: string; MessageBody: string; DelaySeconds?: number }>; MessageBody?: string };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reply(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: 'body is not JSON' });
        return;
      }
      if (target === 'AmazonSQS.SendMessageBatch') {
        const entries = input.Entries ?? [];
        if (entries.length > 10) {
          reply(400, { __type: 'com.amazonaws.sqs#TooManyEntriesInBatchRequest', message: `${entries.length} entries` });
          return;
        }
        const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody, 'utf8'), 0);
        if (total > 1024 * 1024) {
          reply(400, { __type: 'com.amazonaws.sqs#BatchRequestTooLong', message: `${total} bytes` });
          return;
        }
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const entry of entries) {
          if (/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\ud800-\udfff]/.test(entry.MessageBody) || /[\ufffe\uffff]/.test(entry.MessageBody)) {
            Failed.push({ Id: entry.Id, SenderFault: true, Code: 'InvalidMessageContents', Message: 'invalid characters' });
          } else if (refuse?.(entry.MessageBody, input.QueueUrl ?? '')) {
            Failed.push({ Id: entry.Id, SenderFault: false, Code: 'InternalError', Message: 'scripted refusal' });
          } else {
            const messageId = randomUUID();
            (input.QueueUrl?.endsWith(DEAD_LETTER_QUEUE_SUFFIX) ? deadLetters : messages).push({ messageId, body: entry.MessageBody, delaySeconds: entry.DelaySeconds ?? 0, receiveCount: 0 });
            Successful.push({ Id: entry.Id, MessageId: messageId, MD5OfMessageBody: createHash('md5').update(entry.MessageBody, 'utf8').digest('hex') });
          }
        }
        reply(200, { Successful, Failed });
        return;
      }
      reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: `${target} is not supported by the stand-in` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    queueUrl: `${endpoint}/123456789012/${QUEUE_NAME}`,
    deadLetterQueueUrl: `${endpoint}/123456789012/${QUEUE_NAME}${DEAD_LETTER_QUEUE_SUFFIX}`,
    messages,
    deadLetters,
    calls,
    failNextCalls: (count) => {
      failCalls = count;
    },
    refuseEntries: (predicate) => {
      refuse = predicate;
    },
    receiveAsLambdaEvent: (maxMessages = 10) => {
      const taken = messages.splice(0, maxMessages);
      const Records: SQSRecord[] = taken.map((message) => {
        message.receiveCount++;
        inFlight.set(message.messageId, message);
        return sqsRecord({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, senderId: 'AROAEXAMPLE:forwarder', queueName: QUEUE_NAME });
      });
      return { Records };
    },
    settle: (event, response, maxReceiveCount) => {
      const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      for (const record of event.Records) {
        const message = inFlight.get(record.messageId);
        inFlight.delete(record.messageId);
        if (!message || !failed.has(record.messageId)) continue;
        if (message.receiveCount >= maxReceiveCount) deadLetters.push(message);
        else messages.push(message);
      }
    },
    reset: () => {
      messages.length = 0;
      deadLetters.length = 0;
      calls.length = 0;
      failCalls = 0;
      refuse = undefined;
      inFlight.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For a Jest suite: one stand-in for the suite, the SDK pointed at it, emptied before each test. Returns a getter
 * (the stand-in exists only once `beforeAll` has run).
 */
export function sqsStandInPerSuite(): () => SqsStandIn {
  let standIn: SqsStandIn | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    standIn = await startSqsStandIn();
    restore = useSqsStandIn(standIn);
  });
  afterAll(async () => {
    restore?.();
    await standIn?.close();
  });
  beforeEach(() => standIn?.reset());
  return () => {
    if (!standIn) throw new Error('the SQS stand-in starts in beforeAll');
    return standIn;
  };
}

/** Points the SDK at the stand-in with throwaway credentials; returns a function that restores the environment. */
export function useSqsStandIn(standIn: SqsStandIn): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SQS: standIn.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

/** One message as Lambda's SQS event source hands it to a function. */
export function sqsRecord(message: { messageId: string; body: string; receiveCount: number; senderId: string; queueName: string }): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: message.messageId,
    receiptHandle: `rh-${message.messageId}-${message.receiveCount}`,
    body: message.body,
    attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: now, SenderId: message.senderId, ApproximateFirstReceiveTimestamp: now },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:${message.queueName}`,
    awsRegion: 'eu-west-1',
  };
}
