import { logGroupParts, serviceOfLogGroup } from '../pipeline/log-group';
import type { ForwarderContext, Mutable, SourceLogEvent } from '../pipeline/types';
import type { DetectedError, ExceptionInfo } from './detected-error';
import { eventIdFor } from './event-id';
import { fingerprintOf } from './fingerprint';
import { FORWARDER_SDK, type SentryEvent, type SentryException } from './sentry-event';
import { firstLine } from './stack-traces/lines';
import { packedMap } from '../pipeline/packed-map';

/** Sentry keeps at most this many frames per exception in what we send; the newest are kept. */
export const MAX_FRAMES = 50;
/** Relay trims `logentry.formatted` and exception values to 8,192 characters; we cut first to keep payloads small. */
export const MAX_MESSAGE_CHARS = 8192;
/** Sentry tag values are limited to 200 characters, without line breaks. */
export const MAX_TAG_VALUE_CHARS = 200;
const MAX_TYPE_CHARS = 256;
/** A log's own timestamp further than this from CloudWatch's is a misread, and CloudWatch's wins. */
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
const LINE_BREAK_OR_TAB = /[\r\n\t]/;
const LINE_BREAKS_AND_TABS = /[\r\n\t]+/g;

export interface MapOptions {
  /** The forwarder's own release (SENTRY_RELEASE), sent as a tag; the event's `release` is only ever the log's. */
  readonly forwarderRelease?: string;
  /** The fingerprint, when the caller already computed it (the storm cap needs it first). */
  readonly fingerprint?: string[];
}

/** The service an event belongs to: what the line says, else the resource name in the group's name. */
export function serviceOf(error: DetectedError, source: SourceLogEvent): string {
  return error.service ?? serviceOfLogGroup(source.logGroup);
}

/** The log's own time, unless it is more than a day from CloudWatch's (a misread); in seconds, as Sentry wants. */
export function timestampSecondsOf(error: DetectedError, source: SourceLogEvent): number {
  const fromLog = error.timestamp;
  const ms = fromLog !== undefined && Number.isFinite(fromLog) && Math.abs(fromLog - source.timestamp) <= MAX_CLOCK_SKEW_MS ? fromLog : source.timestamp;
  return ms / 1000;
}

export function toSentryEvent(error: DetectedError, source: SourceLogEvent, context: ForwarderContext, options: MapOptions = {}): SentryEvent {
  const group = logGroupParts(source.logGroup);
  const service = serviceOf(error, source);
  const functionName = error.functionName ?? (group?.type === 'lambda' ? group.resourceName : undefined);
  const tags: Record<string, string> = {
    environment: tagValue(context.environment),
    service: tagValue(service),
    log_type: group?.type ?? 'unknown',
    log_group: tagValue(source.logGroup),
    log_stream: tagValue(source.logStream),
    region: tagValue(context.region),
    account: tagValue(source.account),
  };
  if (error.requestId) tags.request_id = tagValue(error.requestId);
  if (functionName) tags.function_name = tagValue(functionName);
  if (options.forwarderRelease) tags.forwarder_release = tagValue(options.forwarderRelease);

  const extra: Record<string, string | number> = {
    'log.format': error.format,
    'cloudwatch.event_id': source.id,
    'cloudwatch.timestamp': new Date(source.timestamp).toISOString(),
  };
  if (error.traceId) extra.trace_id = error.traceId;
  let framesOmitted = 0;
  for (const exception of error.exceptions) framesOmitted += Math.max(0, exception.frames.length - MAX_FRAMES);
  if (framesOmitted > 0) extra.frames_omitted = framesOmitted;

  const event: Mutable<SentryEvent> = {
    event_id: eventIdFor(source.logGroup, source.logStream, source.id),
    timestamp: timestampSecondsOf(error, source),
    platform: error.platform,
    level: error.level,
    environment: context.environment,
    logentry: { formatted: clip(error.message || firstLine(source.message), MAX_MESSAGE_CHARS) },
    fingerprint: options.fingerprint ?? fingerprintOf(error, service),
    tags,
    extra,
    sdk: FORWARDER_SDK,
  };
  if (error.logger) event.logger = error.logger.slice(0, MAX_TYPE_CHARS);
  if (error.release) event.release = error.release.slice(0, MAX_TAG_VALUE_CHARS);
  if (error.exceptions.length > 0) event.exception = { values: packedMap(error.exceptions, (e) => toException(e, error.level === 'fatal')) };
  if (error.userId) event.user = { id: error.userId.slice(0, MAX_TAG_VALUE_CHARS) };
  return event;
}

function toException(exception: ExceptionInfo, unhandled: boolean): SentryException {
  const frames = exception.frames.length > MAX_FRAMES ? exception.frames.slice(-MAX_FRAMES) : exception.frames;
  const out: Mutable<SentryException> = {
    type: clip(exception.type || 'Error', MAX_TYPE_CHARS),
    value: clip(exception.value, MAX_MESSAGE_CHARS),
    mechanism: { type: 'cloudwatch-logs', handled: !unhandled },
  };
  if (exception.module) out.module = clip(exception.module, MAX_TYPE_CHARS);
  if (frames.length > 0) out.stacktrace = { frames };
  return out;
}

function tagValue(value: string): string {
  const flat = value.length > MAX_TAG_VALUE_CHARS ? value.slice(0, MAX_TAG_VALUE_CHARS) : value;
  return LINE_BREAK_OR_TAB.test(flat) ? flat.replace(LINE_BREAKS_AND_TABS, ' ') : flat;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

