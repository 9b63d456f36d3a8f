import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { createForwarderHandler, type InvocationSummary } from '../../../lambda/pipeline/forwarder';
import { createLogger } from '../../../lambda/pipeline/logger';
import { createRedactor } from '../../../lambda/pipeline/redact';
import { createSqsRetryQueue, readRetryQueueBody, type ParkedMessage } from '../../../lambda/pipeline/retry-queue';
import { createSentryDestination } from '../../../lambda/sentry/destination';
import { createSentryTransport } from '../../../lambda/sentry/sentry-transport';
import { encodeAwsLogsData, subscriptionMessage } from '../../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES } from '../../fixtures/logs/error-lines';
import { startSentryReceiver, type SentryReceiver } from '../../support/sentry-receiver';
import { startSqsStandIn, useSqsStandIn, type SqsStandIn } from '../../support/sqs-stand-in';

/**
 * Bad input, property-based: whatever arrives, the Sentry forwarder never crashes. A payload it cannot read is
 * parked with the reason; in a readable one, every detected error is sent, suppressed into a count, or parked.
 */
describe('Sentry forwarder on bad input', () => {
  let sentry: SentryReceiver;
  let sqs: SqsStandIn;
  let restore: () => void;
  let handler: ReturnType<typeof createForwarderHandler>;
  const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 60_000 };

  beforeAll(async () => {
    sentry = await startSentryReceiver();
    sqs = await startSqsStandIn();
    restore = useSqsStandIn(sqs);
    const redactor = createRedactor();
    handler = createForwarderHandler(
      createSentryDestination({ transport: createSentryTransport({ dsn: async () => sentry.dsn, concurrency: 8 }), maxEventsPerFingerprint: 10 }),
      {
        context: { environment: 'test', region: 'eu-west-1' },
        redactor,
        retryQueue: createSqsRetryQueue(sqs.queueUrl),
        logger: createLogger({ service: 'sentry-forwarder', sink: () => undefined }),
        metricsSink: () => undefined,
      },
    );
  });
  afterAll(async () => {
    restore();
    await sentry.close();
    await sqs.close();
  });
  beforeEach(() => {
    sqs.messages.length = 0;
  });

  const parked = () => sqs.messages.map((m) => (readRetryQueueBody(m.body, 'sentry') as { message: ParkedMessage<unknown> }).message);

  const hostileMessage = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ maxLength: 50 }).map((s) => `ERROR ${s}\u0000${s}`),
    fc.integer({ min: 1, max: 5000 }).map((depth) => `{"level":"error","err":${'{"cause":'.repeat(depth)}{}${'}'.repeat(depth)}}`),
    fc.integer({ min: 1, max: 5000 }).map((depth) => `{"level":50,"msg":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify({ level: 'error', msg: 'x', data: value })),
    fc.constantFrom(...ERROR_FIXTURES.map((f) => f.message)).chain((message) => fc.nat(message.length).map((cut) => message.slice(0, cut))),
    fc.constantFrom('Traceback (most recent call last):', 'panic: \ngoroutine 1 [running]:\n', 'Caused by: ', '    at (:1:1)', '[cause]: ', 'Invoke Error \t{'),
  );

  const payload = fc.oneof(
    fc.record({ kind: fc.constant('garbage' as const), data: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64'))) }),
    fc.record({ kind: fc.constant('not-json' as const), data: fc.uint8Array({ maxLength: 200 }).map((b) => gzipSync(Buffer.concat([Buffer.from('{"x":'), Buffer.from(b)])).toString('base64')) }),
    fc.record({ kind: fc.constant('json' as const), data: fc.jsonValue({ maxDepth: 3 }).map((value) => encodeAwsLogsData(JSON.stringify(value))) }),
    fc.record({
      kind: fc.constant('batch' as const),
      data: fc.array(hostileMessage, { maxLength: 6 }).map((messages) => encodeAwsLogsData(subscriptionMessage({ events: messages.map((message) => ({ message })) }))),
      count: fc.constant(-1),
    }),
  );

  test('never crashes; unreadable payloads are parked with a reason; every error is sent, suppressed or parked (1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(payload, async (input) => {
        sqs.messages.length = 0;
        const summary = (await handler({ awslogs: { data: input.data } }, context)) as InvocationSummary;
        if (summary.badPayloads > 0) {
          const [message] = parked();
          expect(message).toMatchObject({ reason: expect.stringMatching(/^undecodable: /), item: { kind: 'raw', data: input.data } });
        } else {
          expect(summary.sent + summary.suppressed + summary.parked).toBe(summary.matched);
        }
        if (input.kind === 'garbage' || input.kind === 'not-json') expect(summary.badPayloads).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  test('never crashes on events that are not subscription payloads at all (1,000 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        sqs.messages.length = 0;
        const result = await handler(event, context);
        expect(result).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });

  test('a 1 MB message, invalid UTF-8 and an empty batch are handled', async () => {
    const big = JSON.stringify({ level: 'error', msg: 'huge', blob: 'x'.repeat(1024 * 1024 - 100) }); // CloudWatch's largest event: 1 MB
    const invalidUtf8 = gzipSync(
      Buffer.concat([Buffer.from(JSON.stringify(subscriptionMessage({ events: [{ message: 'ERROR PLACEHOLDER' }] })).split('PLACEHOLDER')[0]), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}]}')]),
    ).toString('base64');
    const results = [
      await handler({ awslogs: { data: encodeAwsLogsData(subscriptionMessage({ events: [{ message: big }, { message: 'ERROR after the big one' }] })) } }, context),
      await handler({ awslogs: { data: invalidUtf8 } }, context),
      await handler({ awslogs: { data: encodeAwsLogsData(subscriptionMessage({ events: [] })) } }, context),
    ] as InvocationSummary[];
    expect(results[0]).toMatchObject({ received: 2, matched: 2, sent: 2 });
    expect(results[1]).toMatchObject({ badPayloads: 0 });
    expect(results[2]).toEqual({ received: 0, matched: 0, sent: 0, suppressed: 0, parked: 0, deadLettered: 0, badPayloads: 0 });
  });
});
