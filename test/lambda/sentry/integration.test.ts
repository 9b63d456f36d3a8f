import type { SQSEvent } from 'aws-lambda';
import { subscriptionEvent } from '../../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES } from '../../fixtures/logs/error-lines';
import { buildForwarderBundle, startBundleProcess, type BuiltBundle, type BundleProcess } from '../../support/bundle';
import { startSentryReceiver, type Behaviour, type SentryReceiver } from '../../support/sentry-receiver';
import { startSqsStandIn, type SqsStandIn } from '../../support/sqs-stand-in';
import { failedInvocationRecord, redrivenSqsEvent } from '../../fixtures/lambda/failed-invocation-record';

/**
 * The bundle CDK ships (esbuild output with the shared options), not the TypeScript source, against a Sentry
 * receiver that scripts faults and an SQS stand-in reached through AWS_ENDPOINT_URL_SQS.
 * The promise under test: every error arrives in Sentry exactly once, or is parked (and finally dead-lettered);
 * an event Sentry refuses (400) goes to the dead-letter queue at once, with the reason, not round the retry queue.
 */

const MAX_RECEIVES = 3;
const ATTEMPT_TIMEOUT_MS = 400;

describe('bundled Sentry forwarder against scripted faults', () => {
  let bundle: BuiltBundle;
  let sentry: SentryReceiver;
  let sqs: SqsStandIn;
  const containers: BundleProcess[] = [];

  beforeAll(async () => {
    bundle = await buildForwarderBundle('sentry');
    sentry = await startSentryReceiver();
    sqs = await startSqsStandIn();
  });
  afterAll(async () => {
    await Promise.all(containers.map((c) => c.stop()));
    await sentry.close();
    await sqs.close();
  });

  /** A fresh container: the bundle loaded in a new Node process, with its own rate-limit state and connections. */
  async function coldStart(logLevel = 'ERROR'): Promise<BundleProcess> {
    const container = await startBundleProcess(bundle, {
      SENTRY_DSN: sentry.dsn,
      RETRY_QUEUE_URL: sqs.queueUrl,
      DEAD_LETTER_QUEUE_URL: sqs.deadLetterQueueUrl,
      RETRY_MAX_RECEIVES: String(MAX_RECEIVES),
      LOGS_ENVIRONMENT: 'staging',
      DELIVERY_CONCURRENCY: '8',
      DELIVERY_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
      LOG_LEVEL: logLevel,
      // What Lambda would set, with the SQS endpoint pointed at the stand-in.
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    containers.push(container);
    return container;
  }

  const invoke = (container: BundleProcess, event: unknown, remainingMs = 8_000) => container.invoke(event, remainingMs);

  const cloudWatchIdOf = (event: Record<string, unknown>) => (event.extra as Record<string, string>)['cloudwatch.event_id'];

  test('every error arrives exactly once or is parked, through 5xx, resets, slow and hung answers, 400 and 429', async () => {
    // Every error fixture twice, in one subscription batch.
    const events = [...ERROR_FIXTURES, ...ERROR_FIXTURES].map((fixture, index) => ({ message: fixture.message, id: `ev-${String(index).padStart(3, '0')}` }));
    const errors = events.length;
    const ids = events.map((e) => e.id);
    // What each CloudWatch event meets at Sentry, keyed by its position.
    const plan = (index: number, attempt: number): Behaviour | undefined => {
      switch (index % 7) {
        case 0: return attempt === 1 ? { kind: 'status', status: 503 } : undefined;
        case 1: return attempt === 1 ? { kind: 'reset' } : undefined;
        case 2: return { kind: 'ok', delayMs: 150 };
        case 3: return attempt === 1 ? { kind: 'hang' } : undefined;
        case 4: return index % 14 === 4 ? { kind: 'status', status: 400 } : undefined;
        case 5: return attempt <= 8 ? { kind: 'status', status: 500 } : undefined; // outlasts one invocation, heals in the queue
        default: return undefined;
      }
    };
    const indexByEventId = new Map<string, number>();
    sentry.decide((eventId, attempt) => {
      const index = indexByEventId.get(eventId);
      return index === undefined ? undefined : plan(index, attempt);
    });
    const { eventIdFor } = await import('../../../lambda/sentry/event-id');
    const batch = subscriptionEvent({ logGroup: '/aws/ecs/checkout/errors', events });
    const logStream = 'api/app/5f1c2d3e4b5a69788796a5b4c3d2e1f0';
    ids.forEach((id, index) => indexByEventId.set(eventIdFor('/aws/ecs/checkout/errors', logStream, id), index));

    const first = await coldStart();
    const summary = await invoke(first, batch);
    expect(summary).toMatchObject({ received: errors, matched: errors, suppressed: 0 });
    const { sent, parked, deadLettered: refused } = summary as { sent: number; parked: number; deadLettered: number };
    expect(sent + parked + refused).toBe(errors);
    expect(parked).toBeGreaterThanOrEqual(ids.filter((_, index) => index % 7 === 5).length); // the always-500s at least
    expect(refused).toBe(ids.filter((_, index) => index % 14 === 4).length); // the 400s, at once
    expect(sqs.messages).toHaveLength(parked);
    expect(sqs.deadLetters).toHaveLength(refused);

    // A 429 with both headers on a second batch: nothing more is sent, everything parks with the delay.
    const stormIds = ERROR_FIXTURES.slice(0, 5).map((_, i) => `rl-${i}`);
    sentry.decide((eventId, attempt) => (eventId === eventIdFor('/aws/ecs/checkout/errors', logStream, 'rl-0') && attempt === 1 ? { kind: 'status', status: 429, headers: { 'retry-after': '60', 'x-sentry-rate-limits': '60:error:organization' } } : indexByEventId.has(eventId) ? plan(indexByEventId.get(eventId)!, attempt) : undefined));
    const beforeRateLimit = sentry.requests.length;
    const limited = (await invoke(first, subscriptionEvent({ logGroup: '/aws/ecs/checkout/errors', events: stormIds.map((id, i) => ({ id, message: ERROR_FIXTURES[i].message })) }, 2), 8_000)) as { sent: number; parked: number };
    expect(limited.sent + limited.parked).toBe(5);
    expect(sentry.requests.length - beforeRateLimit).toBeLessThanOrEqual(5);
    const rateLimitedMessages = sqs.messages.filter((m) => m.body.includes('"rl-'));
    expect(rateLimitedMessages.length).toBe(limited.parked);
    for (const message of rateLimitedMessages) expect(message.delaySeconds).toBeGreaterThanOrEqual(55);

    // Later, a new container drains the retry queue with partial batch responses until it is empty.
    const consumer = await coldStart();
    for (let round = 0; round < MAX_RECEIVES + 2 && sqs.messages.length > 0; round++) {
      while (sqs.messages.length > 0) {
        const event: SQSEvent = sqs.receiveAsLambdaEvent(10);
        const response = (await invoke(consumer, event)) as { batchItemFailures: Array<{ itemIdentifier: string }> };
        sqs.settle(event, response, MAX_RECEIVES);
        if (response.batchItemFailures.length === event.Records.length) break;
      }
    }
    expect(sqs.messages).toHaveLength(0);

    // The ledger: accepted exactly once, or dead-lettered with its reason; never both, never neither.
    const acceptedCounts = new Map<string, number>();
    for (const event of sentry.acceptedEvents) acceptedCounts.set(cloudWatchIdOf(event), (acceptedCounts.get(cloudWatchIdOf(event)) ?? 0) + 1);
    const deadLettered = new Map(
      sqs.deadLetters.map((m) => {
        const message = JSON.parse(m.body) as { reason: string; item: { payload: { extra: Record<string, string> } } };
        return [message.item.payload.extra['cloudwatch.event_id'], message.reason] as const;
      }),
    );
    for (const id of [...ids, ...stormIds]) {
      const accepted = acceptedCounts.get(id) ?? 0;
      expect({ id, accepted, deadLettered: deadLettered.has(id) }).toEqual({ id, accepted: deadLettered.has(id) ? 0 : 1, deadLettered: accepted === 0 });
    }
    expect([...acceptedCounts.values()].every((count) => count === 1)).toBe(true);
    // Only the events Sentry refuses (400) end in the dead-letter queue, with the reason.
    expect([...deadLettered.keys()].sort()).toEqual(ids.filter((_, index) => index % 14 === 4).sort());
    for (const reason of deadLettered.values()) expect(reason).toMatch(/HTTP 400/);
    expect([...sentry.accepted.values()].every((count) => count === 1)).toBe(true);
  });

  test('writes structured logs and EMF metrics, and never the DSN', async () => {
    const container = await coldStart('DEBUG');
    sentry.decide(() => ({ kind: 'status', status: 401 }));
    try {
      await invoke(container, subscriptionEvent({ events: [{ message: ERROR_FIXTURES[0].message, id: 'dsn-check' }] }, 3));
    } finally {
      sentry.decide(undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the last stdout chunk arrive
    const output = container.stdoutLines().join('\n');
    expect(output).not.toContain(sentry.dsn);
    expect(output).not.toContain('0123456789abcdef0123456789abcdef');
    const records = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r.message === 'parked in the retry queue')).toMatchObject({ level: 'WARN', service: 'sentry-forwarder', reason: 'HTTP 401 from Sentry', count: 1, function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' });
    expect(records.find((r) => r._aws)).toMatchObject({ Destination: 'sentry', Environment: 'staging', Received: 1, ErrorsDetected: 1, Sent: 0, Parked: 1, Suppressed: 0, DeadLettered: 0, BadPayloads: 0 });
  });

  test("a crashed invocation's record, redriven from the dead-letter queue, is replayed under the same event ids", async () => {
    const logGroup = '/aws/ecs/checkout/errors';
    const events = ERROR_FIXTURES.slice(0, 6).map((fixture, index) => ({ message: fixture.message, id: `crash-${index}` }));
    const batch = subscriptionEvent({ logGroup, events }, 5);
    const container = await coldStart();
    // Say the invocation delivered its batch, then died before returning: Lambda's on-failure record still has it.
    expect(await invoke(container, batch)).toMatchObject({ sent: 6, parked: 0 });
    const firstIds = sentry.acceptedEvents.slice(-6).map((event) => event.event_id);

    const record = failedInvocationRecord(batch);
    const replay = redrivenSqsEvent(record);
    expect(await invoke(container, replay)).toEqual({ batchItemFailures: [] });
    const replayedIds = sentry.acceptedEvents.slice(-6).map((event) => event.event_id);
    // Sentry drops an event whose id it already stored: the replay adds nothing twice in Sentry.
    expect(new Set(replayedIds)).toEqual(new Set(firstIds));
    expect(replayedIds.map((id) => sentry.accepted.get(id as string))).toEqual([2, 2, 2, 2, 2, 2]);
  });

  test('the bundle is small and keeps the AWS SDK external', async () => {
    const source = require('node:fs').readFileSync(bundle.file, 'utf8') as string;
    expect(bundle.bytes).toBeLessThan(200 * 1024);
    expect(source).toMatch(/import\("@aws-sdk\/client-sqs"\)/);
    expect(source).toMatch(/import\("@aws-sdk\/client-kms"\)/);
    expect(source).not.toMatch(/SQSClient\s*=\s*class/);
  });
});
