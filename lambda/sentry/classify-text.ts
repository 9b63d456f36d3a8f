import { readJsonObject } from '../pipeline/safe-json';
import { classifyJson, lambdaRuntimeError, type Found } from './classify-json';
import { LOG_FORMATS, type DetectedError, type LogFormat, type Platform } from './detected-error';
import { levelFrom, type LevelVerdict } from './levels';
import { parseAnyTrace } from './stack-traces/any-trace';
import { splitJavaHeader } from './stack-traces/java';
import { splitPythonException } from './stack-traces/python';

/**
 * Errors in plain-text lines: the Lambda runtime's text format (Node `ts\treqId\tLEVEL\tmsg`, Python
 * `[LEVEL]\tts\treqId\tmsg`, `Invoke Error`/`Uncaught Exception` with their JSON, `Task timed out after`,
 * `Runtime exited with error`, `Runtime.ImportModuleError`), bare stack traces (V8, Python, Java, Go) and ordinary
 * text logs with an upper-case level word (`2026-11-21 09:30:00,123 ERROR [main] ...`) or logfmt `level=error`.
 * A word like "errors" or "errorCount=0" is not a level, so "0 errors" is not an error.
 */

const NODE_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\t(\S+)\t([A-Z]+)\t([\s\S]*)$/;
const PYTHON_PREFIX = /^\[([A-Z]+)\]\t(\S+)\t(\S+)\t([\s\S]*)$/;
const PYTHON_UNHANDLED = /^\[(ERROR|CRITICAL)\] ([\s\S]*)$/;
const RUNTIME_REPORT_START = /^(?:Invoke Error|Uncaught Exception|Unhandled Promise Rejection)/;
const RUNTIME_REPORT = /^(Invoke Error|Uncaught Exception|Unhandled Promise Rejection)\s*(\{[\s\S]*\})\s*$/;
const TIMED_OUT = /Task timed out after ([\d.]+) seconds/;
const RUNTIME_EXITED = /Runtime exited with error: ([^\n]*)/;
const RUNTIME_ERROR_TYPE = /\b(Runtime\.[A-Za-z]+(?:Error|Failure))\b(?::\s*([^\n]*))?/;
const REQUEST_ID = /(?:RequestId:\s*|^\d{4}-\d\d-\d\dT\S+\s+)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const JAVA_THREAD_DEATH = /^Exception in thread "[^"]*"\s+(\S.*)$/m;
const LEADING_TIMESTAMP = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d))/;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=["']?([A-Za-z]+)/;
/** A Map, not an object literal: a word of a log line must never find `constructor` or `__proto__`. */
const LEVEL_WORDS: ReadonlyMap<string, LevelVerdict> = new Map(
  Object.entries({
    ERROR: 'error', ERR: 'error', SEVERE: 'error', FATAL: 'fatal', CRITICAL: 'fatal', CRIT: 'fatal', PANIC: 'fatal', EMERG: 'fatal', ALERT: 'fatal',
    WARN: 'below-error', WARNING: 'below-error', INFO: 'below-error', DEBUG: 'below-error', TRACE: 'below-error', NOTICE: 'below-error',
  } satisfies Record<string, LevelVerdict>),
);
/** A level word further into the line than this is prose, not a level. */
const LEVEL_WORD_POSITIONS = 6;

interface Envelope {
  readonly format: LogFormat;
  readonly level: LevelVerdict;
  readonly body: string;
  readonly platform: Platform;
  readonly timestamp?: number;
  readonly requestId?: string;
}

export function classifyText(message: string): DetectedError | undefined {
  const envelope = unwrap(message);
  // JSON embedded in a text line is read raw, like the rest: redaction applies to the Sentry event that is sent.
  const embedded = envelope.body.trimStart().startsWith('{') ? readJsonObject(envelope.body) : undefined;
  if (embedded) {
    const inner = classifyJson(embedded);
    if (inner) return withEnvelope(inner, envelope);
    if (envelope.level === 'below-error' || envelope.level === 'unknown') return undefined;
  }

  const runtime = lambdaRuntimeFailure(envelope);
  if (runtime) return runtime;

  const firstLine = envelope.body.split('\n', 1)[0].trim();
  // The level first: a line logged below error is dropped before any stack parsing.
  const level = envelope.level !== 'unknown' ? envelope.level : levelOfText(firstLine);
  if (level === 'below-error') return undefined;
  const trace = parseAnyTrace(envelope.body, headerOf(firstLine));
  const javaDeath = trace ? null : JAVA_THREAD_DEATH.exec(envelope.body);
  if (level === 'unknown' && !trace && !javaDeath) return undefined;
  const exceptions: Found['exceptions'] = trace?.exceptions ?? (javaDeath ? [{ ...splitJavaHeader(javaDeath[1]), frames: [] }] : []);
  const format = envelope.format !== LOG_FORMATS.plainText ? envelope.format : traceFormat(trace?.platform ?? (javaDeath ? 'java' : undefined));
  return {
    level: level === 'fatal' || (trace?.platform === 'go' && level === 'unknown') ? 'fatal' : 'error',
    format,
    platform: trace?.platform ?? (javaDeath ? 'java' : envelope.platform),
    message: firstLine,
    exceptions,
    ...(envelope.timestamp !== undefined ? { timestamp: envelope.timestamp } : {}),
    ...requestIdOf(envelope),
  };
}

/** Peels the Lambda runtime's text prefix off, keeping its level, time and request id. */
function unwrap(message: string): Envelope {
  const node = NODE_PREFIX.exec(message);
  if (node) {
    const [, time, requestId, level, body] = node;
    return { format: LOG_FORMATS.lambdaText, level: levelFrom(level), body, platform: 'node', timestamp: Date.parse(time), ...(requestId !== 'undefined' ? { requestId } : {}) };
  }
  const python = PYTHON_PREFIX.exec(message);
  if (python) {
    const [, level, time, requestId, body] = python;
    const parsed = Date.parse(time);
    return { format: LOG_FORMATS.lambdaText, level: levelFrom(level), body, platform: 'python', ...(Number.isNaN(parsed) ? {} : { timestamp: parsed }), requestId };
  }
  const unhandled = PYTHON_UNHANDLED.exec(message);
  if (unhandled) return { format: LOG_FORMATS.lambdaText, level: levelFrom(unhandled[1]), body: unhandled[2], platform: 'python' };
  const stamp = LEADING_TIMESTAMP.exec(message);
  const timestamp = stamp ? Date.parse(stamp[1].replace(' ', 'T').replace(',', '.')) : undefined;
  return { format: LOG_FORMATS.plainText, level: 'unknown', body: message, platform: 'other', ...(timestamp !== undefined && !Number.isNaN(timestamp) ? { timestamp } : {}) };
}

/** What the Lambda runtime itself reports: invoke errors, crashes, timeouts, failed imports. */
function lambdaRuntimeFailure(envelope: Envelope): DetectedError | undefined {
  const base = { format: LOG_FORMATS.lambdaText, ...(envelope.timestamp !== undefined ? { timestamp: envelope.timestamp } : {}), ...requestIdOf(envelope) };
  const body = envelope.body;
  const report = RUNTIME_REPORT_START.test(body) ? RUNTIME_REPORT.exec(body) : null;
  if (report) {
    const json = readJsonObject(report[2]);
    const found = json ? lambdaRuntimeError(json) : undefined;
    if (found) {
      const primary = found.exceptions.at(-1)!;
      return {
        ...base,
        level: report[1] === 'Invoke Error' ? 'error' : 'fatal',
        platform: found.platform !== 'other' ? found.platform : envelope.platform,
        message: `${report[1]}: ${primary.type}: ${primary.value}`,
        exceptions: found.exceptions,
      };
    }
  }
  const timedOut = body.includes('Task timed out') ? TIMED_OUT.exec(body) : null;
  if (timedOut) {
    return { ...base, level: 'error', platform: envelope.platform, message: timedOut[0], exceptions: [{ type: 'Sandbox.Timedout', value: timedOut[0], frames: [] }] };
  }
  if (!body.includes('Runtime.') && !body.includes('Runtime exited')) return undefined;
  const exited = body.includes('Runtime exited') ? RUNTIME_EXITED.exec(body) : null;
  if (exited) {
    const type = RUNTIME_ERROR_TYPE.exec(envelope.body)?.[1] ?? 'Runtime.ExitError';
    return { ...base, level: 'fatal', platform: envelope.platform, message: exited[0], exceptions: [{ type, value: exited[1].trim(), frames: [] }] };
  }
  const runtimeError = RUNTIME_ERROR_TYPE.exec(envelope.body.split('\n', 1)[0]);
  if (runtimeError && envelope.level !== 'below-error') {
    const trace = parseAnyTrace(envelope.body, { type: runtimeError[1], value: runtimeError[2] ?? '' });
    const exceptions = trace?.exceptions ?? [{ type: runtimeError[1], value: (runtimeError[2] ?? '').trim(), frames: [] }];
    return { ...base, level: 'fatal', platform: trace?.platform ?? envelope.platform, message: envelope.body.split('\n', 1)[0].trim(), exceptions };
  }
  return undefined;
}

/** `Type: message` on the first line names a traceback that has no final exception line (Lambda's Python runtime). */
function headerOf(firstLine: string): { type: string; value: string } | undefined {
  const split = splitPythonException(firstLine);
  return split && /(?:Error|Exception|Exit|Failure|Warning)$/.test(split.type) ? { type: split.module ? `${split.module}.${split.type}` : split.type, value: split.value } : undefined;
}

/** The first level word among the first few words (upper case only), or logfmt's level=. */
export function levelOfText(firstLine: string): LevelVerdict {
  const words = firstLine.split(/\s+/, LEVEL_WORD_POSITIONS);
  for (const word of words) {
    const bare = word.replace(/^[[(<{|]+|[\])>}|:,-]+$/g, '');
    const verdict = LEVEL_WORDS.get(bare) ?? LEVEL_WORDS.get(/^([A-Z]+):/.exec(word)?.[1] ?? '');
    if (verdict) return verdict;
  }
  const logfmt = LOGFMT_LEVEL.exec(firstLine);
  return logfmt ? levelFrom(logfmt[1]) : 'unknown';
}

function traceFormat(platform: Platform | undefined): LogFormat {
  switch (platform) {
    case 'node':
      return LOG_FORMATS.v8Trace;
    case 'python':
      return LOG_FORMATS.pythonTraceback;
    case 'java':
      return LOG_FORMATS.javaTrace;
    case 'go':
      return LOG_FORMATS.goPanic;
    default:
      return LOG_FORMATS.plainText;
  }
}

function withEnvelope(inner: DetectedError, envelope: Envelope): DetectedError {
  return {
    ...inner,
    platform: inner.platform !== 'other' ? inner.platform : envelope.platform,
    ...(inner.timestamp === undefined && envelope.timestamp !== undefined ? { timestamp: envelope.timestamp } : {}),
    ...(inner.requestId === undefined ? requestIdOf(envelope) : {}),
  };
}

function requestIdOf(envelope: Envelope): { requestId?: string } {
  if (envelope.requestId) return { requestId: envelope.requestId };
  const body = envelope.body;
  const id = body.includes('RequestId') || /^\d{4}-/.test(body) ? REQUEST_ID.exec(body)?.[1] : undefined;
  return id ? { requestId: id } : {};
}

