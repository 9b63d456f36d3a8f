import { createDeadline, PARK_RESERVE_MS } from './deadline';
import { decodeSubscriptionData, MAX_DECOMPRESSED_BYTES, needsMoreMemory } from './decode';
import { createLogger, type LineSink, type Logger } from './logger';
import { createInvocationMetrics, METRIC, type InvocationMetrics } from './metrics';
import type { Redactor } from './redact';
import {
  createSqsRetryQueue,
  readRetryQueueBody,
  PARKED_FORMAT_VERSION,
  type ParkedItem,
  type ParkedMessage,
  type ParkOutcome,
  type ParkRequest,
  type RetryQueue,
} from './retry-queue';
import { logEvent } from './log-event';
import { packedMap } from './packed-map';
import type { Deadline, DeliveryReport, Destination, ForwarderContext, LogEventFields, SourceLogEvent } from './types';
import { describeError, isRecord } from './unknown-values';

/**
 * The one Lambda handler both forwarders use. It accepts:
 * - a CloudWatch Logs subscription event (`{ awslogs: { data } }`): decode → prepare each raw event → finalize →
 *   redact every payload that will leave → deliver; what failed is parked: in the retry queue when a later attempt
 *   may succeed, in the dead-letter queue at once when it cannot (the destination refused the payload itself);
 * - an SQS event from the retry queue: re-deliver the parked (already redacted) payloads, answering with
 *   `batchItemFailures` for the messages that failed again (SQS moves a message to the dead-letter queue after the
 *   queue's maxReceiveCount).
 *
 * Redaction is for what leaves the function: a line that is skipped or suppressed is never redacted (nor mapped),
 * and every payload delivered or parked has been through the destination's `redact` with the shared redactor.
 *
 * The success rule: the handler returns normally once every event is delivered, deliberately skipped, or parked.
 * It throws only when parking itself fails, so Lambda's async retry (and then the on-failure destination) takes the
 * whole batch again. Whether that re-run is harmless depends on the destination: Sentry drops an event it already
 * has (its event_id is derived from CloudWatch's ids), but Langfuse v4 does not deduplicate spans, so spans delivered
 * before the failed park are sent a second time. That is why parking falls back from one queue to the other before
 * the handler gives up: only when SQS refuses both does a re-run (and a possible duplicate) happen.
 */

export interface ForwarderOptions {
  /** Where the forwarder runs; passed to every `prepare`. */
  readonly context: ForwarderContext;
  readonly redactor: Redactor;
  /** URL of the retry queue; used when `retryQueue` is not given. */
  readonly retryQueueUrl?: string;
  /** @default - SQS at `retryQueueUrl`; with neither, parking fails and the invocation errors */
  readonly retryQueue?: RetryQueue;
  /** URL of the dead-letter queue (`DEAD_LETTER_QUEUE_URL`); used when `deadLetterQueue` is not given. */
  readonly deadLetterQueueUrl?: string;
  /**
   * Where failures that cannot succeed on a retry go at once, with their reason.
   * @default - SQS at `deadLetterQueueUrl`; with neither, they go to the retry queue and reach the dead-letter queue
   * after its receives, as before
   */
  readonly deadLetterQueue?: RetryQueue;
  /**
   * The retry queue's maxReceiveCount: a message that fails on this receive is counted as dead-lettered.
   * @default DEFAULT_RETRY_MAX_RECEIVES
   */
  readonly retryMaxReceives?: number;
  /** @default - a JSON logger on stdout named `<destination>-forwarder` */
  readonly logger?: Logger;
  /** Where EMF metric documents go. @default stdout */
  readonly metricsSink?: LineSink;
  /**
   * The largest inflated subscription batch to read; a larger one is parked as `too-large`.
   * @default MAX_DECOMPRESSED_BYTES (the handlers pass `decompressedBytesLimit` of the function's memory)
   */
  readonly maxDecompressedBytes?: number;
  /** Time kept back for parking. @default PARK_RESERVE_MS */
  readonly parkReserveMs?: number;
  readonly now?: () => number;
}

/** Matches the CDK construct's default maxReceiveCount for the retry queue. */
export const DEFAULT_RETRY_MAX_RECEIVES = 5;

/** The part of the Lambda context the forwarder reads. */
export interface InvocationContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

export interface SqsRecordLike {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
  readonly eventSource?: string;
}

export interface BatchResponse {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

/** What a subscription invocation did (Lambda ignores it for async invocations; tests and logs read it). */
export interface InvocationSummary {
  readonly received: number;
  readonly matched: number;
  readonly sent: number;
  readonly suppressed: number;
  /** Parked in the retry queue, to be delivered again. */
  readonly parked: number;
  /** Sent straight to the dead-letter queue: the destination refused them, so retrying cannot help. */
  readonly deadLettered: number;
  readonly badPayloads: number;
}

export type ForwarderHandler = (event: unknown, context?: InvocationContext) => Promise<InvocationSummary | BatchResponse>;

/** Without a Lambda context (local runs) assume Lambda's 60 s default timeout. */
const FALLBACK_REMAINING_MS = 60_000;

export function createForwarderHandler<P, D = P>(destination: Destination<P, D>, options: ForwarderOptions): ForwarderHandler {
  const now = options.now ?? Date.now;
  const baseLogger = options.logger ?? createLogger({ service: `${destination.name}-forwarder` });
  const retryQueue = options.retryQueue ?? (options.retryQueueUrl ? createSqsRetryQueue(options.retryQueueUrl) : undefined);
  const deadLetterQueue = options.deadLetterQueue ?? (options.deadLetterQueueUrl ? createSqsRetryQueue(options.deadLetterQueueUrl) : undefined);
  const maxReceives = options.retryMaxReceives ?? DEFAULT_RETRY_MAX_RECEIVES;
  const maxDecompressedBytes = options.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES;
  // Checked once here: zlib would refuse a bad limit on every batch, each then parked under a misleading reason.
  if (!Number.isInteger(maxDecompressedBytes) || maxDecompressedBytes <= 0) throw new RangeError(`maxDecompressedBytes must be a positive integer, got ${maxDecompressedBytes}`);
  const matchedMetric = destination.matchedMetricName ?? 'Matched';
  const metricNames = [METRIC.received, matchedMetric, METRIC.sent, METRIC.suppressed, METRIC.parked, METRIC.deadLettered, METRIC.badPayloads, METRIC.redelivered];

  return async (event, lambdaContext) => {
    const logger = baseLogger.child({ function_request_id: lambdaContext?.awsRequestId });
    const metrics = createInvocationMetrics({
      destination: destination.name,
      environment: options.context.environment,
      names: metricNames,
      sink: options.metricsSink,
      now,
    });
    const deadline = createDeadline(lambdaContext?.getRemainingTimeInMillis() ?? FALLBACK_REMAINING_MS, now, options.parkReserveMs ?? PARK_RESERVE_MS);
    const run: Run<P, D> = { destination, options, logger, metrics, deadline, retryQueue, deadLetterQueue, matchedMetric, maxDecompressedBytes, now };
    try {
      if (isSqsEvent(event)) return await consumeRetryQueue(run, event.Records, maxReceives);
      return await forwardSubscription(run, event);
    } finally {
      metrics.flush();
    }
  };
}

interface Run<P, D> {
  readonly destination: Destination<P, D>;
  readonly options: ForwarderOptions;
  readonly logger: Logger;
  readonly metrics: InvocationMetrics;
  readonly deadline: Deadline;
  readonly retryQueue: RetryQueue | undefined;
  readonly deadLetterQueue: RetryQueue | undefined;
  readonly matchedMetric: string;
  readonly maxDecompressedBytes: number;
  readonly now: () => number;
}

async function forwardSubscription<P, D>(run: Run<P, D>, event: unknown): Promise<InvocationSummary> {
  const data = isRecord(event) && isRecord(event.awslogs) ? event.awslogs.data : undefined;
  const decoded = data === undefined ? { ok: false as const, reason: 'not-a-subscription-event', detail: 'no awslogs.data' } : decodeSubscriptionData(data, run.maxDecompressedBytes);
  if (!decoded.ok) {
    run.metrics.add(METRIC.badPayloads);
    run.logger.error('unreadable payload parked', { reason: decoded.reason, detail: decoded.detail });
    const request = { message: parked(run, `undecodable: ${decoded.reason}: ${decoded.detail}`, 0, { kind: 'raw', data: rawText(data ?? event) }) };
    // Too large for this function's memory: it waits in the dead-letter queue (when there is one) for a redrive
    // after the memory is raised, instead of going round the retry queue.
    await parkOrThrow(run, needsMoreMemory(decoded.reason) ? { retry: [], dead: [request] } : { retry: [request], dead: [] });
    return summary(run);
  }
  if (decoded.kind === 'control') {
    run.logger.debug('control message skipped');
    return summary(run);
  }
  await parkOrThrow(run, await forwardEvents(run, decoded.batch.events, 0));
  const result = summary(run);
  run.logger.info('batch forwarded', { log_group: decoded.batch.logGroup, policy_level: decoded.batch.policyLevel, ...result });
  return result;
}

/** What must be parked after a delivery: in the retry queue, or (not retryable) in the dead-letter queue. */
interface Parking<P> {
  readonly retry: ParkRequest<P>[];
  readonly dead: ParkRequest<P>[];
}

/** Prepare the raw events, finalize, redact what will leave, deliver; returns what must be parked. */
async function forwardEvents<P, D>(run: Run<P, D>, events: Array<SourceLogEvent | undefined>, attempt: number): Promise<Parking<P>> {
  const parking: Parking<P> = { retry: [], dead: [] };
  // Only the payloads that leave are held while the batch is delivered; the drafts they were made from can go.
  const payloads = redactEach(run, finalizeDrafts(run, prepareEach(run, events, attempt, parking)));
  const report = await deliverSafely(run, payloads);
  run.metrics.add(METRIC.sent, report.delivered);
  for (const failure of report.failed) {
    const message = parked(run, failure.reason, attempt + 1, { kind: 'payload', payload: failure.payload });
    if (failure.retryable) parking.retry.push({ message, delayMs: failure.retryAfterMs });
    else parking.dead.push({ message });
  }
  return parking;
}

/**
 * Prepares each raw event, counting matches in locals (added to the metrics once per batch, not per line); an event
 * whose preparation throws is parked. The batch is consumed: each slot is cleared once its event is prepared, and
 * this is a function of its own so that no suspended async frame holds the last line while the batch is delivered.
 */
function prepareEach<P, D>(run: Run<P, D>, events: Array<SourceLogEvent | undefined>, attempt: number, parking: Parking<P>): D[] {
  const { destination, metrics } = run;
  const prepared: D[] = [];
  let matched = 0;
  let suppressed = 0;
  destination.begin?.();
  metrics.add(METRIC.received, events.length);
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    if (event === undefined) continue;
    // What the destination keeps of a line is in its drafts once prepared. Letting the line (and its parsed JSON) go
    // then, rather than when delivery ends, means a young-generation collection during the batch copies only the
    // lines still to come, and none is promoted to die in the old generation. Sentry benchmark, 40 invocations:
    // promoted 587 -> 51 KB and major collections 0.32 -> 0.19 per invocation.
    events[index] = undefined;
    try {
      const result = destination.prepare(event, run.options.context);
      if (result.kind === 'payloads' && result.payloads.length > 0) {
        matched++;
        for (const draft of result.payloads) prepared.push(draft);
      } else if (result.kind === 'suppressed') {
        matched++;
        suppressed++;
      }
    } catch (error) {
      // A bug in preparation must not lose the event: park it (redacted) to be prepared again after a fix.
      run.logger.error('prepare failed; event parked', { event_id: event.id, error });
      parking.retry.push({ message: parked(run, `prepare failed: ${describeError(error)}`, attempt, { kind: 'event', event: redactedEvent(run.options.redactor, event) }) });
    }
  }
  metrics.add(run.matchedMetric, matched);
  metrics.add(METRIC.suppressed, suppressed);
  return prepared;
}

/** The destination's last look at the batch's drafts (storm counts); when it throws, every draft is sent. */
function finalizeDrafts<P, D>(run: Run<P, D>, prepared: D[]): readonly D[] {
  const { destination } = run;
  if (!destination.finalize) return prepared;
  try {
    const drafts = destination.finalize(prepared);
    run.metrics.add(METRIC.suppressed, Math.max(0, prepared.length - drafts.length));
    return drafts;
  } catch (error) {
    run.logger.error('finalize failed; sending every payload', { error });
    return prepared;
  }
}

/**
 * Redaction before anything leaves; all of it before the first send, so a bug here fails the invocation with
 * nothing delivered (Lambda's retry then re-runs a batch of which nothing was sent).
 */
function redactEach<P, D>(run: Run<P, D>, drafts: readonly D[]): P[] {
  const { destination } = run;
  const { redactor } = run.options;
  return packedMap(drafts, (draft) => destination.redact(draft, redactor));
}

async function deliverSafely<P, D>(run: Run<P, D>, payloads: readonly P[]): Promise<DeliveryReport<P>> {
  if (payloads.length === 0) return { delivered: 0, failed: [] };
  let report: DeliveryReport<P>;
  try {
    report = await run.destination.deliver(payloads, run.deadline);
  } catch (error) {
    run.logger.error('deliver threw; every payload will be parked', { error });
    return { delivered: 0, failed: payloads.map((payload) => ({ payload, reason: `deliver threw: ${describeError(error)}`, retryable: true })) };
  }
  const unaccounted = payloads.length - report.delivered - report.failed.length;
  if (unaccounted !== 0) run.logger.error('delivery report does not add up', { payloads: payloads.length, delivered: report.delivered, failed: report.failed.length });
  return report;
}

/**
 * Parks what failed: retryable items in the retry queue, the rest in the dead-letter queue (or the retry queue when
 * none is configured). What one queue refuses is offered to the other before the invocation fails.
 */
async function parkOrThrow<P, D>(run: Run<P, D>, parking: Parking<P>): Promise<void> {
  const total = parking.retry.length + parking.dead.length;
  if (total === 0) return;
  const { retryQueue, deadLetterQueue } = run;
  const dead = deadLetterQueue ? parking.dead : [];
  const retry = deadLetterQueue ? parking.retry : [...parking.retry, ...parking.dead];
  const retryRefused = await parkIn(run, retryQueue, retry, 'retry queue', METRIC.parked);
  const deadRefused = await parkIn(run, deadLetterQueue, dead, 'dead-letter queue', METRIC.deadLettered);
  const notParked = [
    ...(deadLetterQueue ? await parkIn(run, deadLetterQueue, retryRefused.map((f) => f.request), 'dead-letter queue (the retry queue refused)', METRIC.deadLettered) : retryRefused),
    ...(retryQueue ? await parkIn(run, retryQueue, deadRefused.map((f) => f.request), 'retry queue (the dead-letter queue refused)', METRIC.parked) : deadRefused),
  ];
  if (notParked.length === 0) return;
  run.logger.error('parking failed; failing the invocation so Lambda retries it', { not_parked: notParked.length, reason: notParked[0].reason });
  throw new Error(`could not park ${notParked.length} of ${total} undelivered items: ${notParked[0].reason}`);
}

type ParkFailures<P> = ParkOutcome<P>['failed'];

/** Parks requests in one queue; returns what it refused (everything, when the queue is not configured). */
async function parkIn<P, D>(run: Run<P, D>, queue: RetryQueue | undefined, requests: readonly ParkRequest<P>[], where: string, metric: string): Promise<ParkFailures<P>> {
  if (requests.length === 0) return [];
  if (!queue) return requests.map((request) => ({ request, reason: `no ${where} configured` }));
  const outcome = await queue.park(requests);
  run.metrics.add(metric, outcome.parked);
  const refused = new Set(outcome.failed.map((failure) => failure.request));
  logParkReasons(run, requests.filter((request) => !refused.has(request)), where);
  return outcome.failed;
}

/** One line per distinct reason, not per item: a Sentry outage must not turn into thousands of log lines. */
function logParkReasons<P, D>(run: Run<P, D>, requests: readonly ParkRequest<P>[], where: string): void {
  const byReason = new Map<string, number>();
  for (const request of requests) byReason.set(request.message.reason, (byReason.get(request.message.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) run.logger.warn(`parked in the ${where}`, { reason, count });
}

async function consumeRetryQueue<P, D>(run: Run<P, D>, records: readonly SqsRecordLike[], maxReceives: number): Promise<BatchResponse> {
  const batchItemFailures: BatchResponse['batchItemFailures'] = [];
  const fail = (record: SqsRecordLike, reason: string) => {
    batchItemFailures.push({ itemIdentifier: record.messageId });
    const receives = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    if (receives >= maxReceives) {
      run.metrics.add(METRIC.deadLettered);
      run.logger.error('retry exhausted; message goes to the dead-letter queue', { message_id: record.messageId, receives, reason });
    } else {
      run.logger.warn('redelivery failed; SQS will retry', { message_id: record.messageId, receives, reason });
    }
  };

  const payloadRecords: Array<{ record: SqsRecordLike; payload: P; attempt: number }> = [];
  // A parked event or raw batch is kept as read and made into events only when its turn comes: one inflated batch
  // alive at a time, however many records at the size limit a receive brings.
  const eventRecords: Array<{ record: SqsRecordLike; item: Exclude<ParkedItem<P>, { kind: 'payload' }>; attempt: number }> = [];
  for (const record of records) {
    const read = readRetryQueueBody<P>(record.body, run.destination.name, run.maxDecompressedBytes);
    if (!read.ok) {
      run.metrics.add(METRIC.badPayloads);
      fail(record, read.reason);
      continue;
    }
    const { message } = read;
    if (read.replaysFailedInvocation) {
      const { requestId, condition } = read.replaysFailedInvocation;
      // The invocation may have delivered part of its batch before it failed; the whole batch goes again.
      run.logger.warn('replaying the batch of a failed invocation; what it delivered before failing is sent again', { message_id: record.messageId, failed_request_id: requestId, condition });
    }
    if (message.destination !== run.destination.name) {
      fail(record, `message is for ${message.destination}, not ${run.destination.name}`);
      continue;
    }
    const item = message.item;
    if (item.kind === 'payload') payloadRecords.push({ record, payload: item.payload, attempt: message.attempt });
    else eventRecords.push({ record, item, attempt: message.attempt });
  }

  if (payloadRecords.length > 0) {
    const recordOf = new Map(payloadRecords.map((entry) => [entry.payload, entry]));
    const report = await deliverSafely(run, payloadRecords.map((entry) => entry.payload));
    run.metrics.add(METRIC.sent, report.delivered);
    run.metrics.add(METRIC.redelivered, report.delivered);
    const refused: Array<{ entry: (typeof payloadRecords)[number]; request: ParkRequest<P> }> = [];
    for (const failure of report.failed) {
      const entry = recordOf.get(failure.payload);
      if (!entry) continue;
      const reason = `attempt ${entry.attempt + 1}: ${failure.reason}`;
      if (failure.retryable || !run.deadLetterQueue) fail(entry.record, reason);
      else refused.push({ entry, request: { message: parked(run, failure.reason, entry.attempt + 1, { kind: 'payload', payload: failure.payload }) } });
    }
    // Refused by the destination itself: to the dead-letter queue now (the record is then done), not round again.
    if (refused.length > 0) {
      const notParked = new Set((await parkIn(run, run.deadLetterQueue, refused.map((r) => r.request), 'dead-letter queue', METRIC.deadLettered)).map((f) => f.request));
      for (const { entry, request } of refused) if (notParked.has(request)) fail(entry.record, `attempt ${entry.attempt + 1}: ${request.message.reason}`);
    }
  }

  for (const { record, item, attempt } of eventRecords) {
    let batch: SourceLogEvent[];
    if (item.kind === 'event') batch = [logEvent(item.event)];
    else {
      const decoded = decodeSubscriptionData(item.data, run.maxDecompressedBytes);
      if (!decoded.ok) {
        const reason = `still undecodable: ${decoded.reason}: ${decoded.detail}`;
        // As on the subscription path: too large for this memory, it goes back to the dead-letter queue now rather
        // than be inflated again on every receive until SQS moves it there.
        const waits = needsMoreMemory(decoded.reason) && run.deadLetterQueue ? { message: parked(run, reason, attempt, { kind: 'raw', data: item.data }) } : undefined;
        if (!waits || (await parkIn(run, run.deadLetterQueue, [waits], 'dead-letter queue', METRIC.deadLettered)).length > 0) fail(record, reason);
        continue;
      }
      if (decoded.kind === 'control') continue;
      batch = decoded.batch.events;
    }
    try {
      const parking = await forwardEvents(run, batch, attempt);
      // A parked event whose preparation fails again is not parked anew: a new message would start SQS's receive
      // count afresh, round the queue for ever. Its record fails, and SQS moves it to the dead-letter queue after the
      // queue's maxReceiveCount. (A line of a raw batch that fails is parked once, as an event, and then meets this.)
      const failedAgain = item.kind === 'event' ? parking.retry.find((request) => request.message.item.kind === 'event') : undefined;
      await parkOrThrow(run, failedAgain ? { retry: parking.retry.filter((request) => request !== failedAgain), dead: parking.dead } : parking);
      if (failedAgain) fail(record, failedAgain.message.reason);
    } catch (error) {
      fail(record, describeError(error));
    }
  }
  return { batchItemFailures };
}

/**
 * An event parked whole (its preparation failed) leaves the function, so it is redacted like any payload: a JSON
 * line value by value (strings unescaped, so an escaped quote or newline cannot hide a secret from the rules) and
 * re-written only when something was redacted, any other line as text.
 */
function redactedEvent(redactor: Redactor, event: SourceLogEvent): LogEventFields {
  const parsed = event.json;
  const json = parsed ? redactor.json(parsed) : undefined;
  const message = json ? (json === parsed ? event.message : JSON.stringify(json)) : redactor.text(event.message);
  const { id, timestamp, logGroup, logStream, account, extractedFields } = event;
  return { id, timestamp, message, logGroup, logStream, account, ...(extractedFields ? { extractedFields: redactFields(redactor, extractedFields) } : {}) };
}

function redactFields(redactor: Redactor, fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = redactor.text(value);
  return out;
}

function parked<P, D>(run: Run<P, D>, reason: string, attempt: number, item: ParkedItem<P>): ParkedMessage<P> {
  // A reason may quote what failed (an error message citing the raw line): it leaves the function too.
  const safeReason = run.options.redactor.text(reason);
  return { v: PARKED_FORMAT_VERSION, destination: run.destination.name, reason: safeReason, attempt, parkedAt: new Date(run.now()).toISOString(), item };
}

function summary<P, D>(run: Run<P, D>): InvocationSummary {
  const { metrics } = run;
  return {
    received: metrics.get(METRIC.received),
    matched: metrics.get(run.matchedMetric),
    sent: metrics.get(METRIC.sent),
    suppressed: metrics.get(METRIC.suppressed),
    parked: metrics.get(METRIC.parked),
    deadLettered: metrics.get(METRIC.deadLettered),
    badPayloads: metrics.get(METRIC.badPayloads),
  };
}

/** The raw input as text for parking; a value JSON cannot represent (cycles, depth) parks as its description. */
function rawText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `[unserialisable ${typeof value}: ${describeError(error)}]`;
  }
}

function isSqsEvent(event: unknown): event is { Records: SqsRecordLike[] } {
  return (
    isRecord(event) &&
    Array.isArray(event.Records) &&
    event.Records.length > 0 &&
    event.Records.every((record) => isRecord(record) && record.eventSource === 'aws:sqs' && typeof record.messageId === 'string' && typeof record.body === 'string')
  );
}
