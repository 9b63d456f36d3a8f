import { createDeadline, PARK_RESERVE_MS } from './deadline';
import { decodeSubscriptionData } from './decode';
import { createLogger, type LineSink, type Logger } from './logger';
import { createInvocationMetrics, METRIC, type InvocationMetrics } from './metrics';
import type { Redactor } from './redact';
import {
  createSqsRetryQueue,
  decodeParkedMessage,
  PARKED_FORMAT_VERSION,
  type ParkedItem,
  type ParkedMessage,
  type ParkRequest,
  type RetryQueue,
} from './retry-queue';
import { readJsonObject } from './safe-json';
import type { Deadline, DeliveryReport, Destination, ForwarderContext, SourceLogEvent } from './types';

/**
 * The one Lambda handler both forwarders use. It accepts:
 * - a CloudWatch Logs subscription event (`{ awslogs: { data } }`): decode → redact → prepare → finalize → deliver,
 *   and park in the retry queue whatever is still undelivered;
 * - an SQS event from the retry queue: re-deliver, answering with `batchItemFailures` for the messages that failed
 *   again (SQS moves a message to the dead-letter queue after the queue's maxReceiveCount).
 *
 * The success rule: the handler returns normally once every event is delivered, deliberately skipped, or parked.
 * It throws only when parking itself fails, so Lambda's async retry (and then the on-failure destination) takes over;
 * a re-run re-sends events already delivered, which is safe because destinations derive ids from CloudWatch's ids.
 */

export interface ForwarderOptions {
  /** Where the forwarder runs; passed to every `prepare`. */
  readonly context: ForwarderContext;
  readonly redactor: Redactor;
  /** URL of the retry queue; used when `retryQueue` is not given. */
  readonly retryQueueUrl?: string;
  /** @default - SQS at `retryQueueUrl`; with neither, parking fails and the invocation errors */
  readonly retryQueue?: RetryQueue;
  /**
   * The retry queue's maxReceiveCount: a message that fails on this receive is counted as dead-lettered.
   * @default DEFAULT_RETRY_MAX_RECEIVES
   */
  readonly retryMaxReceives?: number;
  /** @default - a JSON logger on stdout named `<destination>-forwarder` */
  readonly logger?: Logger;
  /** Where EMF metric documents go. @default stdout */
  readonly metricsSink?: LineSink;
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
  readonly parked: number;
  readonly badPayloads: number;
}

export type ForwarderHandler = (event: unknown, context?: InvocationContext) => Promise<InvocationSummary | BatchResponse>;

/** Without a Lambda context (local runs) assume Lambda's 60 s default timeout. */
const FALLBACK_REMAINING_MS = 60_000;

export function createForwarderHandler<P>(destination: Destination<P>, options: ForwarderOptions): ForwarderHandler {
  const now = options.now ?? Date.now;
  const baseLogger = options.logger ?? createLogger({ service: `${destination.name}-forwarder` });
  const retryQueue = options.retryQueue ?? (options.retryQueueUrl ? createSqsRetryQueue(options.retryQueueUrl) : undefined);
  const maxReceives = options.retryMaxReceives ?? DEFAULT_RETRY_MAX_RECEIVES;
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
    const run: Run<P> = { destination, options, logger, metrics, deadline, retryQueue, matchedMetric, now };
    try {
      if (isSqsEvent(event)) return await consumeRetryQueue(run, event.Records, maxReceives);
      return await forwardSubscription(run, event);
    } finally {
      metrics.flush();
    }
  };
}

interface Run<P> {
  readonly destination: Destination<P>;
  readonly options: ForwarderOptions;
  readonly logger: Logger;
  readonly metrics: InvocationMetrics;
  readonly deadline: Deadline;
  readonly retryQueue: RetryQueue | undefined;
  readonly matchedMetric: string;
  readonly now: () => number;
}

async function forwardSubscription<P>(run: Run<P>, event: unknown): Promise<InvocationSummary> {
  const data = isRecord(event) && isRecord(event.awslogs) ? event.awslogs.data : undefined;
  const decoded = data === undefined ? { ok: false as const, reason: 'not-a-subscription-event', detail: 'no awslogs.data' } : decodeSubscriptionData(data);
  if (!decoded.ok) {
    run.metrics.add(METRIC.badPayloads);
    run.logger.error('unreadable payload parked', { reason: decoded.reason, detail: decoded.detail });
    await parkOrThrow(run, [{ message: parked(run, `undecodable: ${decoded.reason}: ${decoded.detail}`, 0, { kind: 'raw', data: rawText(data ?? event) }) }]);
    return summary(run);
  }
  if (decoded.kind === 'control') {
    run.logger.debug('control message skipped');
    return summary(run);
  }
  const requests = await forwardEvents(run, decoded.batch.events, 0);
  await parkOrThrow(run, requests);
  const result = summary(run);
  run.logger.info('batch forwarded', { log_group: decoded.batch.logGroup, policy_level: decoded.batch.policyLevel, ...result });
  return result;
}

/** Redact, prepare, finalize and deliver a set of events; returns what must be parked. */
async function forwardEvents<P>(run: Run<P>, events: readonly SourceLogEvent[], attempt: number): Promise<ParkRequest<P>[]> {
  const { destination, metrics } = run;
  const toPark: ParkRequest<P>[] = [];
  const prepared: P[] = [];
  let suppressedInPrepare = 0;
  destination.begin?.();
  for (const event of events) {
    metrics.add(METRIC.received);
    try {
      const result = destination.prepare(cleaned(run.options.redactor, event), run.options.context);
      if (result.kind === 'payloads' && result.payloads.length > 0) {
        metrics.add(run.matchedMetric);
        prepared.push(...result.payloads);
      } else if (result.kind === 'suppressed') {
        metrics.add(run.matchedMetric);
        suppressedInPrepare++;
      }
    } catch (error) {
      // A bug in preparation must not lose the event: keep it whole, to be prepared again after a fix.
      run.logger.error('prepare failed; event parked', { event_id: event.id, error });
      toPark.push({ message: parked(run, `prepare failed: ${describe(error)}`, attempt, { kind: 'event', event }) });
    }
  }
  metrics.add(METRIC.suppressed, suppressedInPrepare);
  let payloads = prepared;
  if (destination.finalize) {
    try {
      payloads = destination.finalize(prepared);
      metrics.add(METRIC.suppressed, Math.max(0, prepared.length - payloads.length));
    } catch (error) {
      run.logger.error('finalize failed; sending every payload', { error });
    }
  }
  const report = await deliverSafely(run, payloads);
  metrics.add(METRIC.sent, report.delivered);
  for (const failure of report.failed) {
    toPark.push({
      message: parked(run, failure.reason, attempt + 1, { kind: 'payload', payload: failure.payload }),
      delayMs: failure.retryAfterMs,
    });
  }
  return toPark;
}

async function deliverSafely<P>(run: Run<P>, payloads: readonly P[]): Promise<DeliveryReport<P>> {
  if (payloads.length === 0) return { delivered: 0, failed: [] };
  let report: DeliveryReport<P>;
  try {
    report = await run.destination.deliver(payloads, run.deadline);
  } catch (error) {
    run.logger.error('deliver threw; every payload will be parked', { error });
    return { delivered: 0, failed: payloads.map((payload) => ({ payload, reason: `deliver threw: ${describe(error)}`, retryable: true })) };
  }
  const unaccounted = payloads.length - report.delivered - report.failed.length;
  if (unaccounted !== 0) run.logger.error('delivery report does not add up', { payloads: payloads.length, delivered: report.delivered, failed: report.failed.length });
  return report;
}

async function parkOrThrow<P>(run: Run<P>, requests: readonly ParkRequest<P>[]): Promise<void> {
  if (requests.length === 0) return;
  const outcome = run.retryQueue
    ? await run.retryQueue.park(requests)
    : { parked: 0, failed: requests.map((request) => ({ request, reason: 'no retry queue configured' })) };
  run.metrics.add(METRIC.parked, outcome.parked);
  logParkReasons(run, requests);
  if (outcome.failed.length > 0) {
    run.logger.error('parking failed; failing the invocation so Lambda retries it', {
      not_parked: outcome.failed.length,
      reason: outcome.failed[0].reason,
    });
    throw new Error(`could not park ${outcome.failed.length} of ${requests.length} undelivered items: ${outcome.failed[0].reason}`);
  }
}

/** One line per distinct reason, not per item: a Sentry outage must not turn into thousands of log lines. */
function logParkReasons<P>(run: Run<P>, requests: readonly ParkRequest<P>[]): void {
  const byReason = new Map<string, number>();
  for (const request of requests) byReason.set(request.message.reason, (byReason.get(request.message.reason) ?? 0) + 1);
  for (const [reason, count] of byReason) run.logger.warn('parked in the retry queue', { reason, count });
}

async function consumeRetryQueue<P>(run: Run<P>, records: readonly SqsRecordLike[], maxReceives: number): Promise<BatchResponse> {
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
  const eventRecords: Array<{ record: SqsRecordLike; events: SourceLogEvent[]; attempt: number }> = [];
  for (const record of records) {
    const read = decodeParkedMessage<P>(record.body);
    if (!read.ok) {
      run.metrics.add(METRIC.badPayloads);
      fail(record, read.reason);
      continue;
    }
    const { message } = read;
    if (message.destination !== run.destination.name) {
      fail(record, `message is for ${message.destination}, not ${run.destination.name}`);
      continue;
    }
    const item = message.item;
    if (item.kind === 'payload') payloadRecords.push({ record, payload: item.payload, attempt: message.attempt });
    else if (item.kind === 'event') eventRecords.push({ record, events: [item.event], attempt: message.attempt });
    else {
      const decoded = decodeSubscriptionData(item.data);
      if (!decoded.ok) fail(record, `still undecodable: ${decoded.reason}: ${decoded.detail}`);
      else if (decoded.kind === 'data') eventRecords.push({ record, events: [...decoded.batch.events], attempt: message.attempt });
    }
  }

  if (payloadRecords.length > 0) {
    const recordOf = new Map(payloadRecords.map((entry) => [entry.payload, entry]));
    const report = await deliverSafely(run, payloadRecords.map((entry) => entry.payload));
    run.metrics.add(METRIC.sent, report.delivered);
    run.metrics.add(METRIC.redelivered, report.delivered);
    for (const failure of report.failed) {
      const entry = recordOf.get(failure.payload);
      if (entry) fail(entry.record, `attempt ${entry.attempt + 1}: ${failure.reason}`);
    }
  }

  for (const { record, events, attempt } of eventRecords) {
    try {
      await parkOrThrow(run, await forwardEvents(run, events, attempt));
    } catch (error) {
      fail(record, describe(error));
    }
  }
  return { batchItemFailures };
}

/**
 * Redaction happens here, before a destination sees anything. A JSON line is read first and redacted value by value
 * (strings unescaped, so an escaped quote or newline cannot hide a secret from the rules), then handed over parsed;
 * its text is re-written only when something was redacted. Any other line is redacted as text.
 */
function cleaned(redactor: Redactor, event: SourceLogEvent): SourceLogEvent {
  const parsed = readJsonObject(event.message);
  const json = parsed ? redactor.json(parsed) : undefined;
  const message = json ? (json === parsed ? event.message : JSON.stringify(json)) : redactor.text(event.message);
  const out: { -readonly [K in keyof SourceLogEvent]: SourceLogEvent[K] } = { ...event, message };
  if (event.extractedFields) out.extractedFields = redactFields(redactor, event.extractedFields);
  if (json) out.json = json;
  return out;
}

function redactFields(redactor: Redactor, fields: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = redactor.text(value);
  return out;
}

function parked<P>(run: Run<P>, reason: string, attempt: number, item: ParkedItem<P>): ParkedMessage<P> {
  return { v: PARKED_FORMAT_VERSION, destination: run.destination.name, reason, attempt, parkedAt: new Date(run.now()).toISOString(), item };
}

function summary<P>(run: Run<P>): InvocationSummary {
  const { metrics } = run;
  return {
    received: metrics.get(METRIC.received),
    matched: metrics.get(run.matchedMetric),
    sent: metrics.get(METRIC.sent),
    suppressed: metrics.get(METRIC.suppressed),
    parked: metrics.get(METRIC.parked),
    badPayloads: metrics.get(METRIC.badPayloads),
  };
}

/** The raw input as text for parking; a value JSON cannot represent (cycles, depth) parks as its description. */
function rawText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `[unserialisable ${typeof value}: ${describe(error)}]`;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
