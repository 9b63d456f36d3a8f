import { DEFAULT_FORWARDER_MEMORY_MIB, forwarderNodeOptions } from '../../../lambda/bundling';
import { decompressedBytesLimit } from '../../../lambda/pipeline/decode';
import { readRetryQueueBody, type ParkedMessage } from '../../../lambda/pipeline/retry-queue';
import { subscriptionMessage, encodeAwsLogsData, type FixtureLogEvent } from '../../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES } from '../../fixtures/logs/error-lines';
import { buildForwarderBundle, startBundleProcess, type BuiltBundle } from '../../support/bundle';
import { startSentryReceiver, type SentryReceiver } from '../../support/sentry-receiver';
import { startSqsStandIn, type SqsStandIn } from '../../support/sqs-stand-in';

/**
 * The largest batch a function reads is bounded by its memory (`decompressedBytesLimit`), so a batch it accepts
 * fits its heap: the bundle CDK ships, under the NODE_OPTIONS and AWS_LAMBDA_FUNCTION_MEMORY_SIZE Lambda gives a
 * function of the default memory, reads a batch just under the limit with every error sent (no storm cap) and does
 * not run out of memory; a batch just over it is parked whole with the reason, never half-read.
 */

const MEMORY_MIB = DEFAULT_FORWARDER_MEMORY_MIB;
const LIMIT = decompressedBytesLimit(MEMORY_MIB);

/**
 * Every error fixture in turn until the inflated batch JSON reaches `bytes`. The fixtures that carry an order number
 * get a new one per line; the rest repeat, as the lines of a storm do.
 */
function batchOfAbout(bytes: number) {
  const events: FixtureLogEvent[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const message = ERROR_FIXTURES[i % ERROR_FIXTURES.length].message.replace(/8812/g, String(8812 + i));
    events.push({ message });
    size += Buffer.byteLength(JSON.stringify(message)) + 100; // id, timestamp and keys: about 100 bytes per event
  }
  const message = subscriptionMessage({ logGroup: '/aws/ecs/checkout/errors', events });
  return { message, inflatedBytes: Buffer.byteLength(JSON.stringify(message)) };
}

describe(`a ${MEMORY_MIB} MiB forwarder and the size of a batch`, () => {
  let bundle: BuiltBundle;
  let sentry: SentryReceiver;
  let sqs: SqsStandIn;

  beforeAll(async () => {
    bundle = await buildForwarderBundle('sentry');
    sentry = await startSentryReceiver();
    sqs = await startSqsStandIn();
  });
  afterAll(async () => {
    await sentry.close();
    await sqs.close();
  });

  const container = () =>
    startBundleProcess(bundle, {
      NODE_OPTIONS: forwarderNodeOptions(MEMORY_MIB),
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_MIB),
      SENTRY_DSN: sentry.dsn,
      RETRY_QUEUE_URL: sqs.queueUrl,
      MAX_EVENTS_PER_FINGERPRINT: '1000000',
      LOGS_ENVIRONMENT: 'staging',
      LOG_LEVEL: 'ERROR',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    });

  test('a batch just under the limit, every error sent, fits the heap', async () => {
    const { message, inflatedBytes } = batchOfAbout(LIMIT - 256 * 1024);
    expect(inflatedBytes).toBeGreaterThan(LIMIT - 512 * 1024);
    expect(inflatedBytes).toBeLessThanOrEqual(LIMIT);
    const lambda = await container();
    try {
      const summary = await lambda.invoke({ awslogs: { data: encodeAwsLogsData(message) } }, 50_000);
      expect(summary).toMatchObject({ received: message.logEvents.length, suppressed: 0, parked: 0, badPayloads: 0 });
      const { matched, sent } = summary as { matched: number; sent: number };
      expect(matched).toBeGreaterThan(10_000);
      expect(sent).toBe(matched);
      expect(sentry.accepted.size).toBe(matched);
      // Lambda ends a function whose process outgrows its memory, whatever V8's heap says.
      expect(lambda.peakRssMb()).toBeGreaterThan(0);
      expect(lambda.peakRssMb()).toBeLessThan(MEMORY_MIB);
    } finally {
      await lambda.stop();
    }
  }, 60_000);

  test('a batch just over the limit is parked whole, with the limit in the reason', async () => {
    const { message, inflatedBytes } = batchOfAbout(LIMIT + 64 * 1024);
    expect(inflatedBytes).toBeGreaterThan(LIMIT);
    const data = encodeAwsLogsData(message);
    const before = sentry.requests.length;
    const lambda = await container();
    try {
      const summary = await lambda.invoke({ awslogs: { data } }, 60_000);
      expect(summary).toMatchObject({ received: 0, sent: 0, parked: 1, badPayloads: 1 });
    } finally {
      await lambda.stop();
    }
    expect(sentry.requests.length).toBe(before);
    const parked = sqs.messages.map((m) => (readRetryQueueBody(m.body, 'sentry') as { message: ParkedMessage<unknown> }).message);
    expect(parked).toEqual([expect.objectContaining({ reason: `undecodable: too-large: inflates beyond ${LIMIT} bytes`, item: { kind: 'raw', data } })]);
  }, 60_000);
});
