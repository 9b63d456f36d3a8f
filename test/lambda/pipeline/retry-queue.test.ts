import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MAX_DECOMPRESSED_BYTES } from '../../../lambda/pipeline/decode';
import {
  createSqsRetryQueue,
  readRetryQueueBody,
  delaySecondsFor,
  encodeParkedMessage,
  PARKED_FORMAT_VERSION,
  SQS_MAX_BATCH_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  SQS_MAX_DELAY_SECONDS,
  toBatches,
  toSqsSafeJson,
  type ParkedMessage,
} from '../../../lambda/pipeline/retry-queue';
import { sqsStandInPerSuite, type SqsStandIn } from '../../support/sqs-stand-in';

const message = (payload: unknown, reason = 'HTTP 503 from sentry'): ParkedMessage<unknown> => ({
  v: PARKED_FORMAT_VERSION,
  destination: 'sentry',
  reason,
  attempt: 1,
  parkedAt: '2026-11-21T09:30:00.000Z',
  item: { kind: 'payload', payload },
});

describe('parked message encoding', () => {
  test('round-trips a payload with the reason and attempt', () => {
    const original = message({ event_id: 'a'.repeat(32), logentry: { formatted: 'boom' } });
    const [body] = encodeParkedMessage(original);
    expect(readRetryQueueBody(body, 'sentry')).toEqual({ ok: true, message: original });
  });

  test('escapes what SQS refuses (NUL, U+FFFE, U+FFFF) and reads it back unchanged', () => {
    const original = message({ text: 'nul \u0000 bom \uFFFE \uFFFF lone \ud800 end' });
    const [body] = encodeParkedMessage(original);
    expect(body).not.toMatch(/[\u0000-\u0008\uFFFE\uFFFF]/);
    expect(readRetryQueueBody(body, 'sentry')).toEqual({ ok: true, message: original });
    expect(toSqsSafeJson('\uFFFF')).toBe('"\\uffff"');
  });

  test('gzips a message above the SQS size limit and reads it back', () => {
    const original = message({ text: 'repetitive log line '.repeat(80_000) });
    const bodies = encodeParkedMessage(original);
    expect(bodies).toHaveLength(1);
    expect(Buffer.byteLength(bodies[0])).toBeLessThan(1024 * 1024);
    expect(readRetryQueueBody(bodies[0], 'sentry')).toEqual({ ok: true, message: original });
  });

  test('splits what even gzip cannot fit into parts, each within the limit and kept for inspection', () => {
    const random = randomBytes(30_000).toString('base64');
    const bodies = encodeParkedMessage(message({ noise: random }), 16 * 1024);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    expect(readRetryQueueBody(bodies[0], 'sentry')).toMatchObject({ ok: false, reason: expect.stringContaining('inspect by hand') });
  });

  test('refuses a gzipped body that inflates beyond the decode guard', () => {
    // Whitespace then a well-formed parked message: read whole, it would be accepted.
    const inner = Buffer.from(JSON.stringify(message({ event_id: 'a'.repeat(32) })));
    const bomb = gzipSync(Buffer.concat([Buffer.alloc(MAX_DECOMPRESSED_BYTES, 0x20), inner])).toString('base64');
    expect(readRetryQueueBody(JSON.stringify({ v: 1, encoding: 'gzip-base64', data: bomb }), 'sentry')).toMatchObject({ ok: false, reason: expect.stringContaining('unreadable parked message') });
  });

  test("a gzipped body inflates only as far as the consuming function's batch limit", () => {
    const original = message({ event_id: 'b'.repeat(32), logentry: { formatted: 'x'.repeat(50_000) } });
    const body = JSON.stringify({ v: 1, encoding: 'gzip-base64', data: gzipSync(Buffer.from(JSON.stringify(original))).toString('base64') });
    expect(readRetryQueueBody(body, 'sentry', 100_000)).toEqual({ ok: true, message: original });
    expect(readRetryQueueBody(body, 'sentry', 40_000)).toMatchObject({ ok: false, reason: expect.stringContaining('unreadable parked message') });
  });

  test.each([['not json'], ['[]'], ['{"v":2}'], ['{"v":1,"destination":"sentry","reason":"x","attempt":1,"item":{"kind":"nope"}}']])(
    'reads %s as a failure, without throwing',
    (body) => {
      expect(readRetryQueueBody(body, 'sentry')).toMatchObject({ ok: false });
    },
  );
});

describe('batching within SQS limits', () => {
  test('at most 10 entries per batch', () => {
    const entries = Array.from({ length: 25 }, (_, i) => ({ Id: String(i), MessageBody: 'x' }));
    expect(toBatches(entries).map((batch) => batch.length)).toEqual([SQS_MAX_BATCH_ENTRIES, SQS_MAX_BATCH_ENTRIES, 5]);
  });

  test('at most 1 MiB per batch', () => {
    const big = 'x'.repeat(400 * 1024);
    const batches = toBatches(Array.from({ length: 5 }, (_, i) => ({ Id: String(i), MessageBody: big })));
    for (const batch of batches) expect(batch.reduce((sum, entry) => sum + entry.MessageBody.length, 0)).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    expect(batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
  });

  test('a Retry-After becomes a message delay, capped at 15 minutes', () => {
    expect(delaySecondsFor(undefined)).toBeUndefined();
    expect(delaySecondsFor(1500)).toBe(2);
    expect(delaySecondsFor(3_600_000)).toBe(SQS_MAX_DELAY_SECONDS);
  });
});

describe('parking through the SQS API', () => {
  const standIn = sqsStandInPerSuite();
  let sqs: SqsStandIn;
  beforeEach(() => {
    sqs = standIn();
  });

  test('sends 23 messages as 3 SendMessageBatch calls, with delays', async () => {
    const queue = createSqsRetryQueue(sqs.queueUrl);
    const requests = Array.from({ length: 23 }, (_, i) => ({ message: message({ n: i }), delayMs: i === 0 ? 30_000 : undefined }));
    await expect(queue.park(requests)).resolves.toEqual({ parked: 23, failed: [] });
    expect(sqs.calls).toEqual(['AmazonSQS.SendMessageBatch', 'AmazonSQS.SendMessageBatch', 'AmazonSQS.SendMessageBatch']);
    expect(sqs.messages.map((m) => (readRetryQueueBody(m.body, 'sentry') as { message: ParkedMessage<{ n: number }> }).message.item)).toEqual(
      requests.map((r) => r.message.item),
    );
    expect(sqs.messages[0].delaySeconds).toBe(30);
  });

  test('retries entries SQS refused and reports those it never took', async () => {
    const queue = createSqsRetryQueue(sqs.queueUrl);
    let refusals = 0;
    sqs.refuseEntries((body) => body.includes('"n":1') && refusals++ < 1);
    await expect(queue.park([{ message: message({ n: 1 }) }, { message: message({ n: 2 }) }])).resolves.toEqual({ parked: 2, failed: [] });
    sqs.refuseEntries((body) => body.includes('"n":3'));
    const outcome = await queue.park([{ message: message({ n: 3 }) }, { message: message({ n: 4 }) }]);
    expect(outcome.parked).toBe(1);
    expect(outcome.failed).toEqual([{ request: expect.objectContaining({ message: expect.objectContaining({ item: { kind: 'payload', payload: { n: 3 } } }) }), reason: expect.stringContaining('InternalError') }]);
  });

  test('an SQS outage is reported as failure, not thrown', async () => {
    const queue = createSqsRetryQueue(sqs.queueUrl);
    sqs.failNextCalls(100);
    const outcome = await queue.park([{ message: message({ n: 5 }) }]);
    sqs.failNextCalls(0);
    expect(outcome).toEqual({ parked: 0, failed: [expect.objectContaining({ reason: expect.stringContaining('SendMessageBatch failed') })] });
  });
});
