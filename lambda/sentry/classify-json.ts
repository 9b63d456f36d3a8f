import type { JsonObject, JsonValue, Mutable } from '../pipeline/types';
import { LOG_FORMATS, type DetectedError, type ExceptionInfo, type LogFormat, type Platform, type StackFrame } from './detected-error';
import { levelFrom, type LevelVerdict } from './levels';
import { isFailedStatus, platformFailure, type PlatformReport } from './lambda-platform-report';
import { parseAnyTrace } from './stack-traces/any-trace';
import { goFrame } from './stack-traces/go';
import { javaFrame } from './stack-traces/java';
import { parsePythonFrameLine } from './stack-traces/python';
import { splitV8Header } from './stack-traces/v8';
import { nonBlankString, preferredFieldsReader, readEachWith } from '../pipeline/preferred-fields';
import { packedMap } from '../pipeline/packed-map';
import { isRecord } from '../pipeline/unknown-values';

/**
 * `isRecord` as an array callback: the overloaded guard passed by name does not narrow, and an inline arrow would be
 * a new closure on every call.
 */
const isJsonObject = (value: JsonValue): value is JsonObject => isRecord(value);

/**
 * Errors in JSON log lines: pino, bunyan, winston, Powertools (TypeScript and Python), structlog, python-json-logger,
 * log4j2 JsonLayout, ECS JSON (log4j2 JsonTemplateLayout, Logback), the Lambda runtime's JSON log format and its
 * platform events. A line with an explicit level below error is never an error; a line without a level is one only
 * when it carries an error object or a Lambda runtime error.
 */

const LEVEL_KEYS = ['level', 'severity', 'levelname', 'log.level', 'lvl', 'loglevel', '@level'] as const;
const ERROR_KEYS = ['err', 'error', 'exception', 'exc_info', 'exc', 'thrown', 'errors'] as const;
const MESSAGE_KEYS = ['msg', 'message', 'event', 'errorMessage', '@message', 'text'] as const;
const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'timeMillis', 'instant', 'asctime', 'datetime'] as const;
/**
 * The string fields read off every error line, each from the first of its keys that holds a non-blank string.
 * `name` is the logger's name, except in bunyan, where it names the service.
 */
const STRING_FIELD_KEYS = {
  logger: ['logger', 'loggerName', 'logger_name', 'log.logger'],
  name: ['name'],
  requestId: ['requestId', 'function_request_id', 'request_id', 'requestID', 'aws_request_id', 'awsRequestId', 'reqId', 'req_id'],
  functionName: ['function_name', 'functionName', 'faas.name'],
  service: ['service', 'service.name'],
  release: ['release', 'service.version', 'sentry_release', 'app_version'],
  userId: ['user_id', 'userId', 'user.id', 'usr.id'],
  traceId: ['xray_trace_id', 'trace_id', 'traceId', 'trace.id'],
} as const;
const readStringFields = preferredFieldsReader(STRING_FIELD_KEYS, readEachWith(STRING_FIELD_KEYS, nonBlankString));
/** Nested causes followed per error object; deeper chains are cut. */
const MAX_CAUSES = 10;
/** The platform records that end a phase, and the phase each ends. */
const PLATFORM_REPORT_PHASES: ReadonlyMap<string, PlatformReport['phase']> = new Map([
  ['platform.report', 'invocation'],
  ['platform.initReport', 'init'],
  ['platform.restoreReport', 'restore'],
]);
/** Python's runtime sends only the frames: `  File "...", line N, in fn`. */
const PYTHON_FRAMES_ONLY = /^\s*File "/;

export function classifyJson(json: JsonObject): DetectedError | undefined {
  if (typeof json.type === 'string' && json.type.startsWith('platform.')) return platformEvent(json, json.type);
  const level = levelOf(json);
  if (level === 'below-error') return undefined;
  const format = formatOf(json);
  const message = messageOf(json);
  const found = exceptionsOf(json) ?? fromStackText(message, undefined, '');
  if (level === 'unknown' && !found) return undefined;
  const exceptions = found?.exceptions ?? [];
  const primary = exceptions.at(-1);
  const error: Mutable<DetectedError> = {
    level: level === 'fatal' ? 'fatal' : 'error',
    format,
    platform: found?.platform !== 'other' && found?.platform ? found.platform : platformOf(format),
    message: message || (primary ? `${primary.type}: ${primary.value}` : ''),
    exceptions,
  };
  // Assigned one by one (not spread from small objects): this runs for every error line of a storm.
  const timestamp = timestampOf(json);
  if (timestamp !== undefined) error.timestamp = timestamp;
  const fields = readStringFields(json);
  const bunyan = format === LOG_FORMATS.bunyan;
  const logger = fields.logger ?? (bunyan ? undefined : fields.name);
  if (logger !== undefined) error.logger = logger;
  if (fields.requestId !== undefined) error.requestId = fields.requestId;
  if (fields.functionName !== undefined) error.functionName = fields.functionName;
  const service = fields.service ?? (bunyan ? fields.name : undefined);
  if (service !== undefined) error.service = service;
  if (fields.release !== undefined) error.release = fields.release;
  const userId = userIdOf(json, fields.userId);
  if (userId !== undefined) error.userId = userId;
  if (fields.traceId !== undefined) error.traceId = fields.traceId;
  return error;
}

function levelOf(json: JsonObject): LevelVerdict {
  for (const key of LEVEL_KEYS) {
    if (json[key] !== undefined) {
      const verdict = levelFrom(json[key]);
      if (verdict !== 'unknown') return verdict;
    }
  }
  return 'unknown';
}

function formatOf(json: JsonObject): LogFormat {
  const has = (key: string) => json[key] !== undefined;
  if (typeof json.level === 'number' && has('v') && has('hostname')) return LOG_FORMATS.bunyan;
  if (typeof json.level === 'number' && has('time')) return LOG_FORMATS.pino;
  if (has('function_request_id') || has('cold_start') || has('sampling_rate')) {
    return has('location') || typeof json.exception === 'string' || has('exception_name') ? LOG_FORMATS.powertoolsPython : LOG_FORMATS.powertoolsTs;
  }
  if (has('loggerName') || has('thrown') || has('endOfBatch')) return LOG_FORMATS.log4j2Json;
  if (has('log.level') || has('ecs.version') || has('error.stack_trace')) return LOG_FORMATS.ecsJson;
  if (has('requestId') && has('timestamp') && (has('errorType') || isRecord(json.message) || has('message'))) return LOG_FORMATS.lambdaJson;
  if (has('levelname')) return LOG_FORMATS.pythonJson;
  if (typeof json.event === 'string' && !has('message') && !has('msg')) return LOG_FORMATS.structlog;
  if (typeof json.level === 'string' && has('message') && (has('stack') || has('timestamp'))) return LOG_FORMATS.winston;
  return LOG_FORMATS.jsonGeneric;
}

function platformOf(format: LogFormat): Platform {
  switch (format) {
    case LOG_FORMATS.pino:
    case LOG_FORMATS.bunyan:
    case LOG_FORMATS.winston:
    case LOG_FORMATS.powertoolsTs:
      return 'node';
    case LOG_FORMATS.powertoolsPython:
    case LOG_FORMATS.structlog:
    case LOG_FORMATS.pythonJson:
      return 'python';
    case LOG_FORMATS.log4j2Json:
      return 'java';
    default:
      return 'other';
  }
}

export interface Found {
  /** May be shared with other events (parsed stacks are remembered): never mutated. */
  readonly exceptions: readonly ExceptionInfo[];
  readonly platform: Platform;
}

function exceptionsOf(json: JsonObject): Found | undefined {
  const lambda = lambdaRuntimeError(json) ?? (isRecord(json.message) ? lambdaRuntimeError(json.message) : undefined);
  if (lambda) return lambda;
  for (const key of ERROR_KEYS) {
    const value = json[key];
    if (value === undefined || value === null || value === false || value === '') continue;
    const found = errorValue(value, key === 'exception' ? stringOf(json.exception_name) : undefined);
    if (found) return found;
  }
  const ecsType = stringOf(json['error.type']);
  const ecsStack = stringOf(json['error.stack_trace']);
  if (ecsType || ecsStack) return fromStackText(ecsStack, ecsType ?? 'Error', stringOf(json['error.message']) ?? '');
  const stack = stringOf(json.stack);
  if (stack) return fromStackText(stack, undefined, stringOf(json.message) ?? '');
  return undefined;
}

/** The Lambda runtime's own error shape: `errorType`, `errorMessage`, `stackTrace` (strings, or Go's objects). */
export function lambdaRuntimeError(value: JsonObject): Found | undefined {
  const type = stringOf(value.errorType);
  const message = stringOf(value.errorMessage);
  if (!type && !message) return undefined;
  const trace = value.stackTrace ?? value.stack ?? value.trace;
  if (Array.isArray(trace) && trace.some(isJsonObject)) {
    const frames = packedMap(trace.filter(isJsonObject), (frame) =>
      goFrame(stringOf(frame.label) ?? stringOf(frame.function) ?? '?', stringOf(frame.path) ?? stringOf(frame.file) ?? '?', Number(frame.line) || 0),
    );
    return { platform: 'go', exceptions: [{ type: type ?? 'Error', value: message ?? '', frames: frames.reverse() }] };
  }
  const text = Array.isArray(trace) ? trace.filter((line): line is string => typeof line === 'string').join('\n') : stringOf(trace);
  if (text && PYTHON_FRAMES_ONLY.test(text)) {
    // Python's runtime sends only the frames; name them from errorType/errorMessage.
    return fromStackText(`Traceback (most recent call last):\n${text}`, type ?? 'Exception', message ?? '');
  }
  return fromStackText(text, type ?? 'Error', message ?? '');
}

function errorValue(value: JsonValue, nameHint?: string): Found | undefined {
  if (typeof value === 'string') return fromStackText(value, nameHint, value.split('\n', 1)[0]);
  if (Array.isArray(value)) return structlogTracebacks(value) ?? (value.length > 0 && isRecord(value[0]) ? errorObject(value[0], 0) : undefined);
  if (isRecord(value)) return errorObject(value, 0);
  return undefined;
}

function errorObject(error: JsonObject, depth: number): Found | undefined {
  const type = stringOf(error.type) ?? stringOf(error.name) ?? stringOf(error.class) ?? stringOf(error.exc_type) ?? stringOf(error.errorType) ?? stringOf(error.kind);
  const message = stringOf(error.message) ?? stringOf(error.msg) ?? stringOf(error.exc_value) ?? stringOf(error.localizedMessage) ?? stringOf(error.errorMessage) ?? '';
  const stack = error.stack ?? error.stack_trace ?? error.stackTrace ?? error.stacktrace ?? error.traceback ?? error.extendedStackTrace;
  let found: Found | undefined;
  if (Array.isArray(stack) && stack.some(isJsonObject)) {
    const { type: javaClass, module } = javaType(type ?? 'Throwable');
    const frames = log4jFrames(stack.filter(isJsonObject));
    found = { platform: 'java', exceptions: [module !== undefined ? { type: javaClass, module, value: message, frames } : { type: javaClass, value: message, frames }] };
  } else {
    const text = Array.isArray(stack) ? stack.filter((line): line is string => typeof line === 'string').join('\n') : stringOf(stack);
    found = fromStackText(text, type, message);
  }
  if (!found && !type && !message) return undefined;
  const own = found ?? { platform: 'other' as Platform, exceptions: [{ type: type ?? 'Error', value: message, frames: [] }] };
  const cause = isRecord(error.cause) && depth < MAX_CAUSES ? errorObject(error.cause, depth + 1) : undefined;
  return cause ? { platform: own.platform, exceptions: [...cause.exceptions, ...own.exceptions] } : own;
}

/** A stack text of any kind; with no recognisable trace, the given type and message still make an exception. */
function fromStackText(text: string | undefined, type: string | undefined, message: string): Found | undefined {
  const parsed = text ? parseAnyTrace(text, type ? { type, value: message } : undefined) : undefined;
  if (parsed) {
    const primary = parsed.exceptions.at(-1)!;
    // Some loggers print only frames in `stack`; the logged type then names the exception.
    if (type && (primary.type === 'Error' || primary.type === 'Exception') && primary.value === '') {
      return { platform: parsed.platform, exceptions: [...parsed.exceptions.slice(0, -1), { ...primary, type, value: message }] };
    }
    return parsed;
  }
  if (!type) return undefined;
  const header = type.includes(':') ? splitV8Header(type) : { type, value: message };
  return { platform: 'other', exceptions: [{ type: header.type, value: header.value || message, frames: [] }] };
}

/** structlog's `dict_tracebacks`: `[{exc_type, exc_value, frames: [{filename, lineno, name, line}]}]`, root cause first. */
function structlogTracebacks(values: JsonValue[]): Found | undefined {
  const stacks = values.filter(isJsonObject).filter((value) => typeof value.exc_type === 'string');
  if (stacks.length === 0) return undefined;
  return {
    platform: 'python',
    exceptions: packedMap(stacks, (stack) => {
      const qualified = stringOf(stack.exc_type) ?? 'Exception';
      const dot = qualified.lastIndexOf('.');
      return {
        type: dot >= 0 ? qualified.slice(dot + 1) : qualified,
        value: stringOf(stack.exc_value) ?? '',
        ...(dot >= 0 ? { module: qualified.slice(0, dot) } : {}),
        frames: packedMap(Array.isArray(stack.frames) ? stack.frames.filter(isJsonObject) : [], (frame) =>
          parsePythonFrameLine(stringOf(frame.filename) ?? '?', String(frame.lineno ?? 0), stringOf(frame.name), stringOf(frame.line)),
        ),
      };
    }),
  };
}

/** log4j2 JsonLayout `extendedStackTrace`: `[{class, method, file, line}]`, newest first. */
function log4jFrames(frames: JsonObject[]): StackFrame[] {
  return packedMap(frames, (frame) =>
    javaFrame(stringOf(frame.class) ?? stringOf(frame.className) ?? '?', stringOf(frame.method) ?? stringOf(frame.methodName) ?? '?', `${stringOf(frame.file) ?? stringOf(frame.fileName) ?? ''}:${frame.line ?? frame.lineNumber ?? ''}`),
  ).reverse();
}

function javaType(qualified: string): { type: string; module?: string } {
  const dot = qualified.lastIndexOf('.');
  return dot >= 0 ? { type: qualified.slice(dot + 1), module: qualified.slice(0, dot) } : { type: qualified };
}

/** The platform's own JSON records: a failed init, restore or invocation (its `status`), never a routine one. */
function platformEvent(json: JsonObject, type: string): DetectedError | undefined {
  const phase = PLATFORM_REPORT_PHASES.get(type);
  if (!phase) return undefined;
  const record = isRecord(json.record) ? json.record : {};
  const status = stringOf(record.status);
  if (!isFailedStatus(status)) return undefined;
  // Assigned one by one (not spread from small objects), like the errors below.
  const report: Mutable<PlatformReport> = { phase, status };
  const errorType = stringOf(record.errorType);
  if (errorType !== undefined) report.errorType = errorType;
  const metrics = isRecord(record.metrics) ? record.metrics : {};
  if (typeof metrics.durationMs === 'number') report.durationMs = metrics.durationMs;
  const requestId = stringOf(record.requestId);
  if (requestId !== undefined) report.requestId = requestId;
  const timestamp = timestampOf(json);
  if (timestamp !== undefined) report.timestamp = timestamp;
  return platformFailure(report);
}

function messageOf(json: JsonObject): string {
  for (const key of MESSAGE_KEYS) {
    const value = json[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (isRecord(value) && key === 'message') {
      const inner = stringOf(value.errorMessage) ?? stringOf(value.message) ?? stringOf(value.msg);
      return inner ?? JSON.stringify(value);
    }
  }
  return '';
}

/** Milliseconds since the epoch from the usual time fields (epoch ms/s numbers, ISO strings, log4j2 `instant`). */
export function timestampOf(json: JsonObject): number | undefined {
  for (const key of TIME_KEYS) {
    const value = json[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value > 1e12 ? value : value * 1000;
    if (typeof value === 'string') {
      const parsed = Date.parse(value.includes(' ') && !value.includes('T') ? value.replace(' ', 'T').replace(',', '.') : value);
      if (!Number.isNaN(parsed)) return parsed;
    }
    if (isRecord(value) && typeof value.epochSecond === 'number') {
      return value.epochSecond * 1000 + Math.floor((Number(value.nanoOfSecond) || 0) / 1e6);
    }
  }
  return undefined;
}

/** The user id: a string field, else `user.id` or a numeric `user_id`; a redacted one identifies no one. */
function userIdOf(json: JsonObject, userIdField: string | undefined): string | undefined {
  const id = userIdField ?? (isRecord(json.user) ? stringOf(json.user.id) ?? numberString(json.user.id) : undefined) ?? numberString(json.user_id);
  return id && !id.startsWith('[REDACTED') ? id : undefined;
}

function stringOf(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function numberString(value: JsonValue | undefined): string | undefined {
  return typeof value === 'number' ? String(value) : undefined;
}
