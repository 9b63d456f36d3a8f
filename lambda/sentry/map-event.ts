import { parseLogGroupName } from '../../lib/naming';
import { LOG_TYPES } from '../../lib/config/log-types';
import type { ForwarderContext, SourceLogEvent } from '../pipeline/types';
import type { DetectedError, ExceptionInfo } from './detected-error';
import { eventIdFor } from './event-id';
import { fingerprintOf } from './fingerprint';
import { FORWARDER_SDK, type SentryEvent, type SentryException } from './sentry-event';

/** Sentry keeps at most this many frames per exception in what we send; the newest are kept. */
export const MAX_FRAMES = 50;
/** Relay trims `logentry.formatted` and exception values to 8,192 characters; we cut first to keep payloads small. */
export const MAX_MESSAGE_CHARS = 8192;
/** Sentry tag values are limited to 200 characters, without line breaks. */
export const MAX_TAG_VALUE_CHARS = 200;
const MAX_TYPE_CHARS = 256;
/** A log's own timestamp further than this from CloudWatch's is a misread, and CloudWatch's wins. */
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

export interface MapOptions {
  /** The forwarder's own release (SENTRY_RELEASE), sent as a tag; the event's `release` is only ever the log's. */
  readonly forwarderRelease?: string;
}

export function toSentryEvent(error: DetectedError, source: SourceLogEvent, context: ForwarderContext, options: MapOptions = {}): SentryEvent {
  const group = parseLogGroupName(source.logGroup, LOG_TYPES);
  const service = error.service ?? group?.resourceName ?? source.logGroup;
  const functionName = error.functionName ?? (group?.type === 'lambda' ? group.resourceName : undefined);
  const framesOmitted = error.exceptions.reduce((sum, e) => sum + Math.max(0, e.frames.length - MAX_FRAMES), 0);
  const tags: Record<string, string> = {
    environment: context.environment,
    service,
    log_type: group?.type ?? 'unknown',
    log_group: source.logGroup,
    log_stream: source.logStream,
    region: context.region,
    account: source.account,
    ...(error.requestId ? { request_id: error.requestId } : {}),
    ...(functionName ? { function_name: functionName } : {}),
    ...(options.forwarderRelease ? { forwarder_release: options.forwarderRelease } : {}),
  };
  for (const key of Object.keys(tags)) tags[key] = tagValue(tags[key]);
  return {
    event_id: eventIdFor(source.logGroup, source.logStream, source.id),
    timestamp: timestampSeconds(error.timestamp, source.timestamp),
    platform: error.platform,
    level: error.level,
    ...(error.logger ? { logger: error.logger.slice(0, MAX_TYPE_CHARS) } : {}),
    environment: context.environment,
    ...(error.release ? { release: error.release.slice(0, MAX_TAG_VALUE_CHARS) } : {}),
    logentry: { formatted: clip(error.message || firstLine(source.message), MAX_MESSAGE_CHARS) },
    ...(error.exceptions.length > 0 ? { exception: { values: error.exceptions.map((e) => toException(e, error.level === 'fatal')) } } : {}),
    fingerprint: fingerprintOf(error, service),
    tags,
    ...(error.userId ? { user: { id: error.userId.slice(0, MAX_TAG_VALUE_CHARS) } } : {}),
    extra: {
      'log.format': error.format,
      'cloudwatch.event_id': source.id,
      'cloudwatch.timestamp': new Date(source.timestamp).toISOString(),
      ...(error.traceId ? { trace_id: error.traceId } : {}),
      ...(framesOmitted > 0 ? { frames_omitted: framesOmitted } : {}),
    },
    sdk: FORWARDER_SDK,
  };
}

function toException(exception: ExceptionInfo, unhandled: boolean): SentryException {
  const frames = exception.frames.slice(-MAX_FRAMES);
  return {
    type: clip(exception.type || 'Error', MAX_TYPE_CHARS),
    value: clip(exception.value, MAX_MESSAGE_CHARS),
    ...(exception.module ? { module: clip(exception.module, MAX_TYPE_CHARS) } : {}),
    ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
    mechanism: { type: 'cloudwatch-logs', handled: !unhandled },
  };
}

function timestampSeconds(fromLog: number | undefined, fromCloudWatch: number): number {
  const ms = fromLog !== undefined && Number.isFinite(fromLog) && Math.abs(fromLog - fromCloudWatch) <= MAX_CLOCK_SKEW_MS ? fromLog : fromCloudWatch;
  return ms / 1000;
}

function tagValue(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').slice(0, MAX_TAG_VALUE_CHARS);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}
