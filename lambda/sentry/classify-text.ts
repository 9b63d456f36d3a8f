import { readJsonObject } from '../pipeline/safe-json';
import type { Mutable } from '../pipeline/types';
import { classifyJson, lambdaRuntimeError, type Found } from './classify-json';
import { LOG_FORMATS, type DetectedError, type LogFormat, type Platform } from './detected-error';
import { containing, execGuarded, guarded } from './guarded-pattern';
import { levelFrom, type LevelVerdict } from './levels';
import { platformFailure, textPlatformReport } from './lambda-platform-report';
import { parseAnyTrace } from './stack-traces/any-trace';
import { splitJavaHeader } from './stack-traces/java';
import { firstLine as firstLineOf, isSpace } from './stack-traces/lines';
import { recentMemo } from './recent-memo';
import { splitPythonException } from './stack-traces/python';

/**
 * Errors in plain-text lines: the Lambda runtime's text format (Node `ts\treqId\tLEVEL\tmsg`, Python
 * `[LEVEL]\tts\treqId\tmsg`, `Invoke Error`/`Uncaught Exception` with their JSON, `Task timed out after`,
 * `Runtime exited with error`, `Runtime.ImportModuleError`, failed `REPORT`/`INIT_REPORT`/`RESTORE_REPORT` lines), bare stack traces (V8, Python, Java, Go) and ordinary
 * text logs with an upper-case level word (`2026-11-21 09:30:00,123 ERROR [main] ...`) or logfmt `level=error`.
 * A word like "errors" or "errorCount=0" is not a level, so "0 errors" is not an error.
 */

const NODE_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\t(\S+)\t([A-Z]+)\t([\s\S]*)$/;
const PYTHON_PREFIX = /^\[([A-Z]+)\]\t(\S+)\t(\S+)\t([\s\S]*)$/;
const PYTHON_UNHANDLED = /^\[(ERROR|CRITICAL)\] ([\s\S]*)$/;
const RUNTIME_REPORT_START = /^(?:Invoke Error|Uncaught Exception|Unhandled Promise Rejection)/;
const RUNTIME_REPORT = /^(Invoke Error|Uncaught Exception|Unhandled Promise Rejection)\s*(\{[\s\S]*\})\s*$/;
const REQUEST_ID = /(?:RequestId:\s*|^\d{4}-\d\d-\d\dT\S+\s+)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const LEADING_TIMESTAMP = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d))/;
/** The patterns tried on a whole line (or its first line), each behind the literal it needs. */
export const TEXT_PATTERNS = {
  timedOut: guarded(/Task timed out after ([\d.]+) seconds/, containing('Task timed out')),
  runtimeExited: guarded(/Runtime exited with error: ([^\n]*)/, containing('Runtime exited')),
  runtimeErrorType: guarded(/\b(Runtime\.[A-Za-z]+(?:Error|Failure))\b(?::\s*([^\n]*))?/, containing('Runtime.')),
  javaThreadDeath: guarded(/^Exception in thread "[^"]*"\s+(\S.*)$/m, containing('Exception in thread "')),
  logfmtLevel: guarded(/(?:^|\s)(?:level|lvl|severity)=["']?([A-Za-z]+)/, containing('=')),
} as const;
/** A Map, not an object literal: a word of a log line must never find `constructor` or `__proto__`. */
const LEVEL_WORDS: ReadonlyMap<string, LevelVerdict> = new Map(
  Object.entries({
    ERROR: 'error', ERR: 'error', SEVERE: 'error', FATAL: 'fatal', CRITICAL: 'fatal', CRIT: 'fatal', PANIC: 'fatal', EMERG: 'fatal', ALERT: 'fatal',
    WARN: 'below-error', WARNING: 'below-error', INFO: 'below-error', DEBUG: 'below-error', TRACE: 'below-error', NOTICE: 'below-error',
  } satisfies Record<string, LevelVerdict>),
);
/** What may open a level word: `[ERROR]`, `(WARN)`, `<INFO>`, `{DEBUG}`, `|FATAL|`. */
const LEVEL_WORD_OPENERS = '[(<{|';
/** What may close one: `[ERROR]`, `WARN:`, `INFO,`, `|FATAL|`, `ERROR-`. */
const LEVEL_WORD_CLOSERS = '])>}|:,-';
/** The shortest level word: ERR. */
const MIN_LEVEL_WORD_CHARS = 3;
const CAPITALS = new RegExp(`[A-Z]{${MIN_LEVEL_WORD_CHARS}}`);
/** The brackets and punctuation around a level word: `[ERROR]`, `WARN:`, `|INFO|`. */
const LEVEL_WORD_PUNCTUATION = /^[[(<{|]+|[\])>}|:,-]+$/g;
/** `ERROR:message`, a level word glued to what follows. */
const LEVEL_WORD_WITH_COLON = /^([A-Z]+):/;
/** The exception types a Python traceback's first line may name. */
const EXCEPTION_TYPE_NAME = /(?:Error|Exception|Exit|Failure|Warning)$/;
const STARTS_WITH_DATE = /^\d{4}-/;
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

/** A line that is not a JSON object (`classify` tries JSON first): its envelope, any JSON inside it, then the text. */
export function classifyText(message: string): DetectedError | undefined {
  const envelope = unwrap(message);
  const body = envelope.body;
  // JSON embedded in a text line is read raw, like the rest: redaction applies to the Sentry event that is sent. A
  // line with no envelope is its own body, which classify() only sends here once it failed to read as JSON.
  const embedded = body !== message ? readJsonObject(body) : undefined;
  if (embedded) {
    const inner = classifyJson(embedded);
    if (inner) return withEnvelope(inner, envelope);
    if (envelope.level === 'below-error' || envelope.level === 'unknown') return undefined;
  }

  // The platform's report lines (never behind a runtime prefix) end here either way: a failed phase is an error (as
  // its JSON record would be), a routine one is not, and its `Error Type: Runtime.…` must not pass for a runtime
  // error line below. A timed-out invocation is the exception: the text format always writes its own
  // `Task timed out after` line too, and the REPORT would make a second issue of the same timeout.
  const report = envelope.format === LOG_FORMATS.plainText ? textPlatformReport(body) : undefined;
  if (report) return report.phase === 'invocation' && report.status === 'timeout' ? undefined : platformFailure(report, LOG_FORMATS.lambdaText);

  const runtime = lambdaRuntimeFailure(envelope);
  if (runtime) return runtime;

  const firstLine = firstLineOf(body).trim();
  // The level first: a line logged below error is dropped before any stack parsing.
  const level = envelope.level !== 'unknown' ? envelope.level : levelOfText(firstLine);
  if (level === 'below-error') return undefined;
  const trace = parseAnyTrace(body, headerOf(firstLine));
  const javaDeath = trace ? null : execGuarded(TEXT_PATTERNS.javaThreadDeath, body);
  if (level === 'unknown' && !trace && !javaDeath) return undefined;
  const exceptions: Found['exceptions'] = trace?.exceptions ?? (javaDeath ? [{ ...splitJavaHeader(javaDeath[1]), frames: [] }] : []);
  const format = envelope.format !== LOG_FORMATS.plainText ? envelope.format : traceFormat(trace?.platform ?? (javaDeath ? 'java' : undefined));
  const error: Mutable<DetectedError> = {
    level: level === 'fatal' || (trace?.platform === 'go' && level === 'unknown') ? 'fatal' : 'error',
    format,
    platform: trace?.platform ?? (javaDeath ? 'java' : envelope.platform),
    message: firstLine,
    exceptions,
  };
  return withTimeAndRequest(error, envelope);
}

/** Peels the Lambda runtime's text prefix off, keeping its level, time and request id. */
function unwrap(message: string): Envelope {
  const node = NODE_PREFIX.exec(message);
  if (node) {
    const [, time, requestId, level, body] = node;
    const envelope: Mutable<Envelope> = { format: LOG_FORMATS.lambdaText, level: levelFrom(level), body, platform: 'node', timestamp: Date.parse(time) };
    if (requestId !== 'undefined') envelope.requestId = requestId;
    return envelope;
  }
  const python = PYTHON_PREFIX.exec(message);
  if (python) {
    const [, level, time, requestId, body] = python;
    const envelope: Mutable<Envelope> = { format: LOG_FORMATS.lambdaText, level: levelFrom(level), body, platform: 'python', requestId };
    const parsed = Date.parse(time);
    if (!Number.isNaN(parsed)) envelope.timestamp = parsed;
    return envelope;
  }
  const unhandled = PYTHON_UNHANDLED.exec(message);
  if (unhandled) return { format: LOG_FORMATS.lambdaText, level: levelFrom(unhandled[1]), body: unhandled[2], platform: 'python' };
  const envelope: Mutable<Envelope> = { format: LOG_FORMATS.plainText, level: 'unknown', body: message, platform: 'other' };
  const stamp = LEADING_TIMESTAMP.exec(message);
  const timestamp = stamp ? Date.parse(stamp[1].replace(' ', 'T').replace(',', '.')) : NaN;
  if (!Number.isNaN(timestamp)) envelope.timestamp = timestamp;
  return envelope;
}

/** What the Lambda runtime itself reports: invoke errors, crashes, timeouts, failed imports. */
function lambdaRuntimeFailure(envelope: Envelope): DetectedError | undefined {
  const body = envelope.body;
  const report = RUNTIME_REPORT_START.test(body) ? RUNTIME_REPORT.exec(body) : null;
  if (report) {
    const found = runtimeReportError(report[2]);
    if (found) {
      const primary = found.exceptions.at(-1)!;
      const level = report[1] === 'Invoke Error' ? 'error' : 'fatal';
      const platform = found.platform !== 'other' ? found.platform : envelope.platform;
      return runtimeFailure(envelope, level, platform, `${report[1]}: ${primary.type}: ${primary.value}`, found.exceptions);
    }
  }
  const timedOut = execGuarded(TEXT_PATTERNS.timedOut, body);
  if (timedOut) return runtimeFailure(envelope, 'error', envelope.platform, timedOut[0], [{ type: 'Sandbox.Timedout', value: timedOut[0], frames: [] }]);
  // Both remaining reports name the runtime: one search rules out almost every line.
  if (!body.includes('Runtime')) return undefined;
  const exited = execGuarded(TEXT_PATTERNS.runtimeExited, body);
  if (exited) {
    const type = execGuarded(TEXT_PATTERNS.runtimeErrorType, body)?.[1] ?? 'Runtime.ExitError';
    return runtimeFailure(envelope, 'fatal', envelope.platform, exited[0], [{ type, value: exited[1].trim(), frames: [] }]);
  }
  const firstLine = firstLineOf(body);
  const runtimeError = execGuarded(TEXT_PATTERNS.runtimeErrorType, firstLine);
  if (runtimeError && envelope.level !== 'below-error') {
    const trace = parseAnyTrace(body, { type: runtimeError[1], value: runtimeError[2] ?? '' });
    const exceptions = trace?.exceptions ?? [{ type: runtimeError[1], value: (runtimeError[2] ?? '').trim(), frames: [] }];
    return runtimeFailure(envelope, 'fatal', trace?.platform ?? envelope.platform, firstLine.trim(), exceptions);
  }
  return undefined;
}

/**
 * The error an `Invoke Error` / `Uncaught Exception` report's JSON describes. A storm repeats one report, character
 * for character (type, message, stack; the time and request id are outside the JSON), so each is read once while it
 * recurs: up to 256 reports of 16 KB, 512 K characters in all. The answer is shared: never mutated.
 */
const runtimeReportError = recentMemo(
  (json: string): Found | null => {
    const parsed = readJsonObject(json);
    return (parsed && lambdaRuntimeError(parsed)) ?? null;
  },
  { maxEntries: 256, maxInputChars: 16 * 1024, maxTotalChars: 512 * 1024 },
);

function runtimeFailure(envelope: Envelope, level: DetectedError['level'], platform: Platform, message: string, exceptions: DetectedError['exceptions']): DetectedError {
  return withTimeAndRequest({ level, format: LOG_FORMATS.lambdaText, platform, message, exceptions }, envelope);
}

/** `Type: message` on the first line names a traceback that has no final exception line (Lambda's Python runtime). */
function headerOf(firstLine: string): { type: string; value: string } | undefined {
  const split = splitPythonException(firstLine);
  return split && EXCEPTION_TYPE_NAME.test(split.type) ? { type: split.module ? `${split.module}.${split.type}` : split.type, value: split.value } : undefined;
}

/** The first level word among the first few words (upper case only), or logfmt's level=. */
export function levelOfText(firstLine: string): LevelVerdict {
  // Every level word is three capitals in a row or more: a line without such a run has none, and is not read.
  const verdict = CAPITALS.test(firstLine) ? levelWordOf(firstLine) : undefined;
  if (verdict) return verdict;
  const logfmt = execGuarded(TEXT_PATTERNS.logfmtLevel, firstLine);
  return logfmt ? levelFrom(logfmt[1]) : 'unknown';
}

/**
 * The words are those of `firstLine.split(/\s+/, LEVEL_WORD_POSITIONS)`, read in place: a word is only cut out of
 * the line when it could be a level word.
 */
function levelWordOf(firstLine: string): LevelVerdict | undefined {
  let start = 0;
  for (let position = 0; position < LEVEL_WORD_POSITIONS; position++) {
    let end = start;
    while (end < firstLine.length && !isSpace(firstLine.charCodeAt(end))) end++;
    if (mayBeLevelWord(firstLine, start, end)) {
      const word = firstLine.slice(start, end);
      const verdict = LEVEL_WORDS.get(word.replace(LEVEL_WORD_PUNCTUATION, '')) ?? LEVEL_WORDS.get(LEVEL_WORD_WITH_COLON.exec(word)?.[1] ?? '');
      if (verdict) return verdict;
    }
    if (end >= firstLine.length) break;
    start = end;
    while (start < firstLine.length && isSpace(firstLine.charCodeAt(start))) start++;
  }
  return undefined;
}

/**
 * Every level word is three or more upper-case letters, so the word `text[start, end)` can only be one if such a
 * run follows its opening brackets (`[ERROR]`, `(WARN)`) and ends the word or meets its closing punctuation
 * (`ERROR]`, `WARN:`): most words are ruled out without cutting them out of the line.
 */
function mayBeLevelWord(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && LEVEL_WORD_OPENERS.includes(text[i])) i++;
  let letters = 0;
  while (i + letters < end && isUpperCaseLetter(text.charCodeAt(i + letters))) letters++;
  return letters >= MIN_LEVEL_WORD_CHARS && (i + letters === end || LEVEL_WORD_CLOSERS.includes(text[i + letters]));
}

function isUpperCaseLetter(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
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
  const error: Mutable<DetectedError> = { ...inner };
  if (inner.platform === 'other') error.platform = envelope.platform;
  if (inner.timestamp === undefined && envelope.timestamp !== undefined) error.timestamp = envelope.timestamp;
  if (inner.requestId === undefined) {
    const requestId = requestIdOf(envelope);
    if (requestId) error.requestId = requestId;
  }
  return error;
}

/** The envelope's time and request id, set on the error one by one (this runs for every error line of a storm). */
function withTimeAndRequest(error: Mutable<DetectedError>, envelope: Envelope): DetectedError {
  if (envelope.timestamp !== undefined) error.timestamp = envelope.timestamp;
  const requestId = requestIdOf(envelope);
  if (requestId) error.requestId = requestId;
  return error;
}

function requestIdOf(envelope: Envelope): string | undefined {
  if (envelope.requestId) return envelope.requestId;
  const body = envelope.body;
  return body.includes('RequestId') || STARTS_WITH_DATE.test(body) ? REQUEST_ID.exec(body)?.[1] : undefined;
}

