import { createForwarderHandler, type BatchResponse, type InvocationSummary } from '../../../lambda/pipeline/forwarder';
import { createLogger } from '../../../lambda/pipeline/logger';
import { createRedactor, type Redactor } from '../../../lambda/pipeline/redact';
import { createSqsRetryQueue, readRetryQueueBody, type ParkedMessage } from '../../../lambda/pipeline/retry-queue';
import type { Deadline, Destination, SourceLogEvent } from '../../../lambda/pipeline/types';
import { encodeAwsLogsData, subscriptionEvent, CONTROL_MESSAGE } from '../../fixtures/logs/cloudwatch-payload';
import { sqsRecord, sqsStandInPerSuite, type SqsStandIn } from '../../support/sqs-stand-in';
import { failedInvocationRecord, redrivenSqsEvent } from '../../fixtures/lambda/failed-invocation-record';


/**
 * The pipeline with a minimal destination that behaves like a real one: it takes ERROR lines, keys payloads by
 * CloudWatch id, and "sends" into a list, failing the ids it is told to fail.
 */
interface LinePayload {
  readonly id: string;
  readonly text: string;
  readonly hasJson: boolean;
  readonly fingerprint: string;
  suppressed?: number;
}

function lineDestination() {
  const received: LinePayload[] = [];
  const seen: SourceLogEvent[] = [];
  const failIds = new Set<string>();
  /** Ids the "receiver" refuses for good (like Sentry's 400): not retryable. */
  const refuseIds = new Set<string>();
  let deadlineSeen: Deadline | undefined;
  let throwOnPrepare: string | undefined;
  const destination: Destination<LinePayload> = {
    name: 'lines',
    matchedMetricName: 'LinesDetected',
    prepare(event) {
      seen.push(event);
      if (throwOnPrepare && event.message.includes(throwOnPrepare)) {
        // Like real parser errors, one that quotes the line it choked on (when it carries a key=value field).
        throw new Error(event.message.includes('=') ? `parser bug at: ${event.message}` : 'parser bug');
      }
      if (!event.message.includes('ERROR') && event.json?.level !== 'error') return { kind: 'skip', reason: 'not an error' };
      return { kind: 'payloads', payloads: [{ id: event.id, text: event.message, hasJson: event.json !== undefined, fingerprint: event.message.slice(0, 12) }] };
    },
    redact: (payload, redactor) => ({ ...payload, text: redactor.text(payload.text) }),
    finalize(payloads) {
      const kept = new Map<string, LinePayload>();
      const out: LinePayload[] = [];
      for (const payload of payloads) {
        const last = kept.get(payload.fingerprint);
        if (last) last.suppressed = (last.suppressed ?? 0) + 1;
        else {
          kept.set(payload.fingerprint, payload);
          out.push(payload);
        }
      }
      return out;
    },
    async deliver(payloads, deadline) {
      deadlineSeen = deadline;
      const failed = [
        ...payloads.filter((p) => failIds.has(p.id)).map((payload) => ({ payload, reason: 'HTTP 503', retryable: true, retryAfterMs: 2000 })),
        ...payloads.filter((p) => refuseIds.has(p.id)).map((payload) => ({ payload, reason: 'HTTP 400: refused', retryable: false })),
      ];
      received.push(...payloads.filter((p) => !failIds.has(p.id) && !refuseIds.has(p.id)));
      return { delivered: payloads.length - failed.length, failed };
    },
  };
  return {
    destination,
    received,
    seen,
    failIds,
    refuseIds,
    deadline: () => deadlineSeen,
    throwOn: (text: string | undefined) => {
      throwOnPrepare = text;
    },
  };
}

/** The shared redactor, remembering every string it was asked to redact as text. */
function countingRedactor(): Redactor & { inputs: string[] } {
  const inner = createRedactor();
  const inputs: string[] = [];
  return {
    inputs,
    text: (value) => (inputs.push(value), inner.text(value)),
    json: (value) => (inputs.push(JSON.stringify(value)), inner.json(value)),
    value: (value) => (inputs.push(JSON.stringify(value)), inner.value(value)),
  };
}

const lambdaContext = (remainingMs = 60_000) => ({ awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', getRemainingTimeInMillis: () => remainingMs });

describe('createForwarderHandler', () => {
  const standIn = sqsStandInPerSuite();
  let sqs: SqsStandIn;
  beforeEach(() => {
    sqs = standIn();
  });

  function setUp(options: { maxReceives?: number; deadLetterQueue?: boolean; redactor?: Redactor; maxDecompressedBytes?: number } = {}) {
    const lines = lineDestination();
    const logs: Array<Record<string, unknown>> = [];
    const emf: Array<Record<string, unknown>> = [];
    const handler = createForwarderHandler(lines.destination, {
      context: { environment: 'prod', region: 'eu-west-1' },
      redactor: options.redactor ?? createRedactor(),
      retryQueue: createSqsRetryQueue(sqs.queueUrl),
      ...(options.deadLetterQueue ? { deadLetterQueue: createSqsRetryQueue(sqs.deadLetterQueueUrl) } : {}),
      retryMaxReceives: options.maxReceives ?? 3,
      logger: createLogger({ service: 'lines-forwarder', sink: (line) => logs.push(JSON.parse(line)) }),
      metricsSink: (line) => emf.push(JSON.parse(line)),
      parkReserveMs: 5_000,
      ...(options.maxDecompressedBytes !== undefined ? { maxDecompressedBytes: options.maxDecompressedBytes } : {}),
    });
    const metric = (name: string) => emf.at(-1)?.[name];
    return { ...lines, logs, emf, handler, metric };
  }

  const parkedMessages = () => sqs.messages.map((m) => (readRetryQueueBody<LinePayload>(m.body, 'lines') as { message: ParkedMessage<LinePayload> }).message);

  test('forwards error lines, skips the rest and reports it in EMF', async () => {
    const { handler, received, emf } = setUp();
    const event = subscriptionEvent({ events: [{ message: 'ERROR db down' }, { message: 'INFO ok' }, { message: '{"level":"error","msg":"x"}' }] });
    const summary = (await handler(event, lambdaContext())) as InvocationSummary;
    expect(summary).toEqual({ received: 3, matched: 2, sent: 2, suppressed: 0, parked: 0, deadLettered: 0, badPayloads: 0 });
    expect(received.map((p) => [p.text, p.hasJson])).toEqual([
      ['ERROR db down', false],
      ['{"level":"error","msg":"x"}', true],
    ]);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'CentralLogging/Forwarders', Dimensions: [['Destination', 'Environment']] }] },
      Destination: 'lines',
      Environment: 'prod',
      Received: 3,
      LinesDetected: 2,
      Sent: 2,
      Parked: 0,
    });
  });

  test('the destination reads the raw event, its JSON parsed once; what it sends is redacted', async () => {
    const { handler, seen, received } = setUp();
    const line = '{"level":"error","msg":"login","credentials":{"user":"bob","pin":"1234"},"email":"bob@example.com"}';
    await handler(subscriptionEvent({ events: [{ message: line }, { message: 'ERROR password=hunter2' }] }), lambdaContext());
    expect(seen[0].message).toBe(line);
    expect(seen[0].json).toEqual(JSON.parse(line));
    expect(seen[0].json).toBe(seen[0].json); // parsed once, then the same value for every stage
    expect(seen[1].json).toBeUndefined();
    expect(received.map((p) => p.text)).toEqual([
      '{"level":"error","msg":"login","credentials":{"user":"bob","pin":"1234"},"email":"[REDACTED:email]"}',
      'ERROR password=[REDACTED:secret]',
    ]);
  });

  test('a line the destination skips or suppresses never reaches the redactor', async () => {
    const redactor = countingRedactor();
    const lines = lineDestination();
    const handler = createForwarderHandler(
      { ...lines.destination, prepare: (event, context) => (event.message.includes('again') ? { kind: 'suppressed' } : lines.destination.prepare(event, context)) },
      { context: { environment: 'prod', region: 'eu-west-1' }, redactor, retryQueue: createSqsRetryQueue(sqs.queueUrl), logger: createLogger({ service: 't', sink: () => undefined }), metricsSink: () => undefined },
    );
    await handler(
      subscriptionEvent({ events: [{ message: 'INFO token=skipped-secret-1' }, { message: 'ERROR sent password=hunter2' }, { message: 'ERROR again password=suppressed-secret-2' }] }),
      lambdaContext(),
    );
    expect(redactor.inputs.join('\n')).not.toMatch(/skipped-secret-1|suppressed-secret-2/);
    expect(redactor.inputs).toEqual(['ERROR sent password=hunter2']);
  });

  test('every parked payload is redacted too: a failed delivery, and an event whose preparation threw', async () => {
    const { handler, failIds, throwOn } = setUp();
    throwOn('crashy');
    failIds.add('e-1');
    await handler(
      subscriptionEvent({ events: [{ message: 'ERROR jane@example.com password=hunter2', id: 'e-1' }, { message: '{"level":"error","msg":"crashy","apiKey":"sk-lf-0123456789abcdef"}', id: 'e-2' }] }),
      lambdaContext(),
    );
    const bodies = sqs.messages.map((m) => m.body).join('\n');
    expect(bodies).not.toMatch(/jane@example\.com|hunter2|sk-lf-0123456789abcdef/);
    const parkedItems = parkedMessages().map((m) => m.item);
    expect(parkedItems).toHaveLength(2);
    expect(parkedItems).toEqual(expect.arrayContaining([
      { kind: 'payload', payload: expect.objectContaining({ id: 'e-1', text: 'ERROR [REDACTED:email] password=[REDACTED:secret]' }) },
      { kind: 'event', event: expect.objectContaining({ id: 'e-2', message: '{"level":"error","msg":"crashy","apiKey":"[REDACTED:secret]"}' }) },
    ]));
  });

  test('redacts parked JSON values unescaped: a quoted secret or an address after a newline cannot hide', async () => {
    const { handler, throwOn } = setUp();
    throwOn('login failed');
    const line = JSON.stringify({ level: 'error', msg: 'login failed: password="hunter2"', note: 'user\nbob@example.com', 'jane@example.com': 1 });
    await handler(subscriptionEvent({ events: [{ message: line }] }), lambdaContext());
    const [parkedEvent] = parkedMessages().map((m) => (m.item as { event: SourceLogEvent }).event);
    expect(JSON.parse(parkedEvent.message)).toEqual({ level: 'error', msg: 'login failed: password="[REDACTED:secret]"', note: 'user\n[REDACTED:email]', '[REDACTED:email]': 1 });
  });

  test('a payload the receiver refuses for good goes straight to the dead-letter queue, with the reason', async () => {
    const { handler, refuseIds, failIds, metric } = setUp({ deadLetterQueue: true });
    refuseIds.add('bad');
    failIds.add('later');
    const summary = (await handler(subscriptionEvent({ events: [{ message: 'ERROR bad', id: 'bad' }, { message: 'ERROR later', id: 'later' }, { message: 'ERROR fine', id: 'ok' }] }), lambdaContext())) as InvocationSummary;
    expect(summary).toMatchObject({ sent: 1, parked: 1, deadLettered: 1 });
    expect(metric('DeadLettered')).toBe(1);
    expect(sqs.deadLetters.map((m) => JSON.parse(m.body))).toEqual([expect.objectContaining({ reason: 'HTTP 400: refused', item: { kind: 'payload', payload: expect.objectContaining({ id: 'bad' }) } })]);
    expect(parkedMessages().map((m) => m.reason)).toEqual(['HTTP 503']);
  });

  test('without a dead-letter queue configured, a refused payload goes round the retry queue as before', async () => {
    const { handler, refuseIds } = setUp();
    refuseIds.add('bad');
    expect(await handler(subscriptionEvent({ events: [{ message: 'ERROR bad', id: 'bad' }] }), lambdaContext())).toMatchObject({ parked: 1, deadLettered: 0 });
    expect(parkedMessages().map((m) => m.reason)).toEqual(['HTTP 400: refused']);
  });

  test('a redelivery the receiver refuses for good leaves the retry queue for the dead-letter queue at once', async () => {
    const { handler, failIds } = setUp();
    failIds.add('x');
    await handler(subscriptionEvent({ events: [{ message: 'ERROR x', id: 'x' }] }), lambdaContext());
    const consumer = setUp({ deadLetterQueue: true, maxReceives: 5 });
    consumer.refuseIds.add('x');
    const event = sqs.receiveAsLambdaEvent();
    expect(await consumer.handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(sqs.deadLetters.map((m) => JSON.parse(m.body))).toEqual([expect.objectContaining({ reason: 'HTTP 400: refused', attempt: 2 })]);
    expect(consumer.metric('DeadLettered')).toBe(1);
  });

  test('what the retry queue refuses is offered to the dead-letter queue before the invocation fails', async () => {
    const { handler, failIds } = setUp({ deadLetterQueue: true });
    failIds.add('r');
    sqs.refuseEntries((_body, queueUrl) => queueUrl === sqs.queueUrl);
    const summary = (await handler(subscriptionEvent({ events: [{ message: 'ERROR r', id: 'r' }] }), lambdaContext())) as InvocationSummary;
    expect(summary).toMatchObject({ parked: 0, deadLettered: 1 });
    expect(sqs.deadLetters.map((m) => JSON.parse(m.body))).toEqual([expect.objectContaining({ reason: 'HTTP 503', item: { kind: 'payload', payload: expect.objectContaining({ id: 'r' }) } })]);
  });

  test('counts events a destination suppresses in prepare as matched and suppressed', async () => {
    const lines = lineDestination();
    const emf: Array<Record<string, unknown>> = [];
    let begun = 0;
    const capped: Destination<LinePayload> = {
      ...lines.destination,
      begin: () => void begun++,
      prepare: (event, context) => (event.message.includes('again') ? { kind: 'suppressed' } : lines.destination.prepare(event, context)),
    };
    const handler = createForwarderHandler(capped, {
      context: { environment: 'prod', region: 'eu-west-1' },
      redactor: createRedactor(),
      retryQueue: createSqsRetryQueue(sqs.queueUrl),
      logger: createLogger({ service: 't', sink: () => undefined }),
      metricsSink: (line) => emf.push(JSON.parse(line)),
    });
    const summary = await handler(subscriptionEvent({ events: [{ message: 'ERROR once' }, { message: 'ERROR again' }, { message: 'ERROR again' }] }), lambdaContext());
    expect(summary).toMatchObject({ received: 3, matched: 3, sent: 1, suppressed: 2 });
    expect(begun).toBe(1);
  });

  test('parks what could not be delivered, with reason and delay, and still succeeds', async () => {
    const { handler, failIds, metric } = setUp();
    const event = subscriptionEvent({ events: [{ message: 'ERROR one' }, { message: 'ERROR two' }] });
    const id = JSON.parse(require('node:zlib').gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString()).logEvents[1].id;
    failIds.add(id);
    const summary = (await handler(event, lambdaContext())) as InvocationSummary;
    expect(summary).toMatchObject({ sent: 1, parked: 1 });
    expect(metric('Parked')).toBe(1);
    expect(parkedMessages()).toEqual([expect.objectContaining({ destination: 'lines', reason: 'HTTP 503', attempt: 1, item: { kind: 'payload', payload: expect.objectContaining({ id, text: 'ERROR two' }) } })]);
    expect(sqs.messages[0].delaySeconds).toBe(2);
  });

  test('fails the invocation when parking fails, so Lambda retries instead of losing events', async () => {
    const { handler, failIds, logs } = setUp();
    const event = subscriptionEvent({ events: [{ message: 'ERROR one', id: 'e-1' }] });
    failIds.add('e-1');
    sqs.failNextCalls(1000);
    await expect(handler(event, lambdaContext())).rejects.toThrow(/could not park 1 of 1/);
    expect(logs.some((l) => l.level === 'ERROR' && l.message === 'parking failed; failing the invocation so Lambda retries it')).toBe(true);
  });

  test('parks an unreadable payload as received, with the reason', async () => {
    const { handler, metric } = setUp();
    const summary = (await handler({ awslogs: { data: 'bm90IGd6aXA=' } }, lambdaContext())) as InvocationSummary;
    expect(summary.badPayloads).toBe(1);
    expect(metric('BadPayloads')).toBe(1);
    expect(parkedMessages()).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^undecodable: not-gzip/), item: { kind: 'raw', data: 'bm90IGd6aXA=' } })]);
  });

  test('skips a control message and empty batches without parking', async () => {
    const { handler, received } = setUp();
    await handler({ awslogs: { data: encodeAwsLogsData(CONTROL_MESSAGE) } }, lambdaContext());
    await handler(subscriptionEvent({ events: [] }), lambdaContext());
    expect(received).toEqual([]);
    expect(sqs.messages).toEqual([]);
  });

  test('counts storm suppression from finalize', async () => {
    const { handler, received, metric } = setUp();
    await handler(subscriptionEvent({ events: Array.from({ length: 5 }, () => ({ message: 'ERROR same thing' })) }), lambdaContext());
    expect(received).toHaveLength(1);
    expect(received[0].suppressed).toBe(4);
    expect(metric('Suppressed')).toBe(4);
  });

  test('gives the destination a deadline that keeps time back for parking', async () => {
    const { handler, deadline } = setUp();
    await handler(subscriptionEvent({ events: [{ message: 'ERROR x' }] }), lambdaContext(30_000));
    expect(deadline()!.remainingMs()).toBeGreaterThan(24_000);
    expect(deadline()!.remainingMs()).toBeLessThanOrEqual(25_000);
  });

  test('redacts the reason of a parked item: an error message may quote the raw line', async () => {
    const { handler, throwOn } = setUp();
    throwOn('ERROR crashy');
    await handler(subscriptionEvent({ events: [{ message: 'ERROR crashy password=hunter2-secret', id: 'e-10' }] }), lambdaContext());
    const [message] = parkedMessages();
    expect(message.reason).toBe('prepare failed: parser bug at: ERROR crashy password=[REDACTED:secret]');
    expect(JSON.stringify(message)).not.toContain('hunter2');
  });

  test('parks an event whose preparation throws, and prepares it again from the queue', async () => {
    const first = setUp();
    first.throwOn('ERROR crashy');
    const summary = await first.handler(subscriptionEvent({ events: [{ message: 'ERROR crashy', id: 'e-9' }, { message: 'ERROR fine' }] }), lambdaContext());
    // The line whose preparation threw was received and parked, not matched.
    expect(summary).toMatchObject({ received: 2, matched: 1, sent: 1, parked: 1 });
    expect(first.received.map((p) => p.text)).toEqual(['ERROR fine']);
    expect(parkedMessages()).toEqual([expect.objectContaining({ reason: 'prepare failed: parser bug', item: { kind: 'event', event: expect.objectContaining({ id: 'e-9' }) } })]);

    const fixed = setUp();
    const response = (await fixed.handler(sqs.receiveAsLambdaEvent(), lambdaContext())) as BatchResponse;
    expect(response).toEqual({ batchItemFailures: [] });
    expect(fixed.received.map((p) => p.id)).toEqual(['e-9']);
  });

  test('a parked event whose preparation fails again fails its record, so it reaches the dead-letter queue instead of going round for ever', async () => {
    const first = setUp();
    first.throwOn('ERROR crashy');
    await first.handler(subscriptionEvent({ events: [{ message: 'ERROR crashy', id: 'e-9' }] }), lambdaContext());
    expect(sqs.messages).toHaveLength(1);

    const consumer = setUp({ maxReceives: 2 });
    consumer.throwOn('ERROR crashy');
    for (let receive = 1; receive <= 2; receive++) {
      const event = sqs.receiveAsLambdaEvent();
      const response = (await consumer.handler(event, lambdaContext())) as BatchResponse;
      // The record fails; nothing new is parked (a new message would start the receive count again).
      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
      sqs.settle(event, response, 2);
    }
    expect(sqs.messages).toHaveLength(0);
    expect(sqs.deadLetters.map((m) => (readRetryQueueBody<LinePayload>(m.body, 'lines') as { message: ParkedMessage<LinePayload> }).message)).toEqual([expect.objectContaining({ item: { kind: 'event', event: expect.objectContaining({ id: 'e-9' }) } })]);
    expect(consumer.emf.map((doc) => doc.DeadLettered)).toEqual([0, 1]);
  });

  test('re-delivers parked payloads from the retry queue with partial batch responses', async () => {
    const { handler, failIds } = setUp();
    failIds.add('a').add('b');
    await handler(subscriptionEvent({ events: [{ message: 'ERROR a', id: 'a' }, { message: 'ERROR b', id: 'b' }, { message: 'ERROR c', id: 'c' }] }), lambdaContext());
    expect(sqs.messages).toHaveLength(2);

    const consumer = setUp();
    consumer.failIds.add('b');
    const event = sqs.receiveAsLambdaEvent();
    const response = (await consumer.handler(event, lambdaContext())) as BatchResponse;
    const bRecord = event.Records.find((r) => r.body.includes('ERROR b'))!;
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bRecord.messageId }] });
    expect(consumer.received.map((p) => p.id)).toEqual(['a']);
    expect(consumer.metric('Redelivered')).toBe(1);
  });

  test('counts a message that fails its last receive as dead-lettered', async () => {
    const { handler, failIds } = setUp();
    failIds.add('z');
    await handler(subscriptionEvent({ events: [{ message: 'ERROR z', id: 'z' }] }), lambdaContext());
    const consumer = setUp({ maxReceives: 2 });
    consumer.failIds.add('z');
    for (let receive = 1; receive <= 2; receive++) {
      const event = sqs.receiveAsLambdaEvent();
      sqs.settle(event, (await consumer.handler(event, lambdaContext())) as BatchResponse, 2);
    }
    expect(sqs.messages).toHaveLength(0);
    expect(sqs.deadLetters).toHaveLength(1);
    expect(consumer.emf.map((doc) => doc.DeadLettered)).toEqual([0, 1]);
    expect(consumer.logs.some((l) => l.message === 'retry exhausted; message goes to the dead-letter queue')).toBe(true);
  });

  test('a parked raw payload that is still unreadable fails its record, and a readable one is forwarded', async () => {
    const { handler } = setUp();
    await handler({ awslogs: { data: '%%%' } }, lambdaContext());
    const consumer = setUp();
    const event = sqs.receiveAsLambdaEvent();
    expect(await consumer.handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
  });

  test('a batch over the size limit waits in the dead-letter queue; redriven, it is read with the limit of the function that consumes it', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ message: `ERROR ${String(i).padStart(3, '0')} payment failed: ${'x'.repeat(100)}`, id: `e${i}` }));
    const tooLarge = setUp({ deadLetterQueue: true, maxDecompressedBytes: 2_000 });
    expect(await tooLarge.handler(subscriptionEvent({ events }), lambdaContext())).toMatchObject({ parked: 0, deadLettered: 1, badPayloads: 1 });
    expect(sqs.messages).toEqual([]);
    const [dead] = sqs.deadLetters.map((m) => (readRetryQueueBody<LinePayload>(m.body, 'lines') as { message: ParkedMessage<LinePayload> }).message);
    expect(dead).toMatchObject({ reason: 'undecodable: too-large: inflates beyond 2000 bytes', item: { kind: 'raw' } });
    const redriven = { Records: [sqsRecord({ messageId: 'm-1', body: sqs.deadLetters[0].body, receiveCount: 1, senderId: 'AROAEXAMPLE', queueName: 'central-logging-lines-retry' })] };
    // Still the same memory: the record fails again with the reason, nothing is sent.
    const same = setUp({ maxDecompressedBytes: 2_000 });
    expect(await same.handler(redriven, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(same.received).toEqual([]);
    expect(same.logs).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('still undecodable: too-large: inflates beyond 2000 bytes') }));
    // The same memory with a dead-letter queue: back there at once, the record done, instead of inflated on every receive.
    const deadLettersBefore = sqs.deadLetters.length;
    const sameWithDlq = setUp({ deadLetterQueue: true, maxDecompressedBytes: 2_000 });
    expect(await sameWithDlq.handler(redriven, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(sameWithDlq.received).toEqual([]);
    expect(sameWithDlq.metric('DeadLettered')).toBe(1);
    const [again] = sqs.deadLetters.slice(deadLettersBefore).map((m) => (readRetryQueueBody<LinePayload>(m.body, 'lines') as { message: ParkedMessage<LinePayload> }).message);
    expect(again).toMatchObject({ reason: 'still undecodable: too-large: inflates beyond 2000 bytes', item: { kind: 'raw', data: dead.item.kind === 'raw' ? dead.item.data : '' } });
    // Memory raised: every error of the batch is forwarded.
    const raised = setUp({ maxDecompressedBytes: 1_000_000 });
    expect(await raised.handler(redriven, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(raised.received.map((p) => p.id)).toEqual(events.map((e) => e.id));
  });

  test('refuses a batch-size limit that is not a positive integer when it is created, naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => setUp({ maxDecompressedBytes: bad })).toThrow(`maxDecompressedBytes must be a positive integer, got ${bad}`);
  });

  test("a crash record redriven from the dead-letter queue replays its whole batch, and the record is done", async () => {
    const consumer = setUp();
    const crashed = subscriptionEvent({ events: [{ message: 'ERROR a', id: 'a' }, { message: 'INFO ok', id: 'b' }, { message: 'ERROR c', id: 'c' }] });
    const event = redrivenSqsEvent(failedInvocationRecord(crashed));
    expect(await consumer.handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(consumer.received.map((p) => p.id)).toEqual(['a', 'c']);
    expect(consumer.metric('Sent')).toBe(2);
    expect(consumer.logs).toContainEqual(expect.objectContaining({ level: 'WARN', message: expect.stringContaining('replaying the batch of a failed invocation'), failed_request_id: 'e4b46cbf-b738-4b7f-8880-a18cdf61200e' }));
  });

  test('a replayed batch whose delivery fails again is parked as usual, never lost', async () => {
    const consumer = setUp();
    consumer.failIds.add('c');
    const event = redrivenSqsEvent(failedInvocationRecord(subscriptionEvent({ events: [{ message: 'ERROR a', id: 'a' }, { message: 'ERROR c', id: 'c' }] })));
    expect(await consumer.handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(consumer.received.map((p) => p.id)).toEqual(['a']);
    expect(parkedMessages()).toEqual([expect.objectContaining({ attempt: 4, item: { kind: 'payload', payload: expect.objectContaining({ id: 'c' }) } })]);
  });

  test('a crash record without its payload fails its record with the reason and counts as a bad payload', async () => {
    const consumer = setUp();
    const event = redrivenSqsEvent(failedInvocationRecord(undefined));
    expect(await consumer.handler(event, lambdaContext())).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
    expect(consumer.metric('BadPayloads')).toBe(1);
    expect(consumer.logs).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('carries no request payload') }));
  });

  test('never logs a registered secret', async () => {
    const { registerSecretForScrubbing } = await import('../../../lambda/pipeline/logger');
    registerSecretForScrubbing('https://abcdef0123456789@o1.ingest.sentry.io/42');
    const lines: string[] = [];
    createLogger({ service: 't', sink: (l) => lines.push(l) }).error('failed posting to https://abcdef0123456789@o1.ingest.sentry.io/42', {
      url: 'https://o1.ingest.sentry.io/api/42/envelope/?sentry_key=abcdef0123456789',
    });
    expect(lines[0]).not.toContain('abcdef0123456789');
  });
});
