import { PlannedLogGroup } from '../config/resolve';

/**
 * Subscription filter patterns: which events of a group CloudWatch Logs hands to the Sentry forwarder.
 *
 * A pattern is a coarse, inclusive pre-filter: the forwarder's classifier makes the real decision, so a false match
 * costs one invocation while a miss loses an error. Both patterns are ONE standalone regular expression (`%…%`),
 * because one filter must match JSON lines and plain text alike, and CloudWatch term patterns match whole words only
 * (`Exception` would miss `NullPointerException`) while a JSON pattern never matches a plain-text line.
 *
 * CloudWatch's regex dialect is narrow: letters, digits, the symbols `: _ # = @ / ; , -` and the operators
 * `^ $ ? [ ] { } | \ * + .`; no parentheses, no spaces, no quotes, no multi-byte characters. So a JSON quote or a
 * space is matched with `.`, and alternatives are joined at the top level with `|`.
 */

/** CloudWatch Logs limit on a filter pattern's length. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** Regex filter patterns per log group (metric and subscription filters together) that CloudWatch accepts. */
export const MAX_REGEX_FILTER_PATTERNS_PER_LOG_GROUP = 5;
/** The only characters a CloudWatch regex may contain (besides letters and digits). */
export const CLOUDWATCH_REGEX_SYMBOLS = ':_#=@/;,-^$?[]{}|\\*+.';

/**
 * Error-level lines, JSON or plain text. Every alternative is case-sensitive on purpose: "0 errors" and
 * `errorCount=0` must not wake the forwarder.
 */
export const ERROR_LEVEL_ALTERNATIVES = [
  // Plain-text levels (log4j, logback, Python logging, Go log, the Lambda runtime's text format) and upper-case
  // JSON levels ("level":"ERROR", "levelname":"CRITICAL", "severity":"ERROR", Powertools, log4j2 JSON).
  'ERROR',
  'FATAL',
  'CRITICAL',
  'SEVERE',
  // Lower-case JSON levels (winston, structlog, zerolog, ECS "log.level"), quote and optional space matched by `.`.
  'level.{1,4}error',
  'level.{1,4}fatal',
  'level.{1,4}critical',
  'severity.{1,4}error',
  // pino and bunyan numeric levels: 50 = error, 60 = fatal.
  'level.{1,3}[56]0,',
  // Exceptions and traces: Java/.NET/Python exception names, Python tracebacks, Java "Caused by:", V8 errors
  // ("TypeError: …", "Error: …"), Go panics.
  'Exception',
  'Traceback',
  'Caused.by:',
  'Error:',
  'panic:',
] as const;

/** What only the Lambda runtime writes when an invocation or the runtime itself fails. */
export const LAMBDA_RUNTIME_FAILURE_ALTERNATIVES = [
  // Text format: "Task timed out after 3.00 seconds", "Runtime exited with error: signal: killed",
  // "Process exited before completing request".
  'Task.timed.out',
  'Runtime.exited',
  'Process.exited',
  // Runtime.ImportModuleError, Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound, Runtime.OutOfMemory, …
  'Runtime\\.[A-Z]',
  // "Invoke Error" lines and JSON-format error records ("errorType", "errorMessage", "stackTrace").
  'Invoke.Error',
  'errorType',
  // A failed phase: JSON log format's platform records ("status":"error" | "timeout" | "failure") and the text
  // format's report lines ("INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout", REPORT, RESTORE_REPORT).
  '[Ss]tatus.{1,4}error',
  '[Ss]tatus.{1,4}timeout',
  '[Ss]tatus.{1,4}failure',
] as const;

/** Matches every event: an `errors` group holds nothing else. */
export const ALL_EVENTS_PATTERN = '';

function regexPattern(alternatives: readonly string[]): string {
  return `%${alternatives.join('|')}%`;
}

/** For `application` groups that opted in (`forwardApplicationErrors`). */
export const APPLICATION_ERROR_PATTERN = regexPattern(ERROR_LEVEL_ALTERNATIVES);

/** For Lambda runtime groups (`/aws/lambda/<function>`): error-level lines plus the runtime's own failures. */
export const LAMBDA_FAILURE_PATTERN = regexPattern([...ERROR_LEVEL_ALTERNATIVES, ...LAMBDA_RUNTIME_FAILURE_ALTERNATIVES]);

/** The Sentry subscription's filter pattern for a group, by what the group holds. */
export function sentryFilterPatternFor(group: PlannedLogGroup): string {
  if (group.type === 'lambda') return LAMBDA_FAILURE_PATTERN;
  if (group.sentryErrorLinesOnly) return APPLICATION_ERROR_PATTERN;
  return ALL_EVENTS_PATTERN;
}

/** The Langfuse forwarder takes every event of an `llm` group; lines it does not recognise are counted and skipped. */
export function langfuseFilterPatternFor(_group: PlannedLogGroup): string {
  return ALL_EVENTS_PATTERN;
}

/**
 * Why a pattern would be refused by CloudWatch Logs, or undefined when it is acceptable. Applied to every pattern
 * at synth, so a new alternative with a space or a parenthesis fails the build, not the deployment.
 */
export function filterPatternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    return `is ${pattern.length} characters; CloudWatch allows ${MAX_FILTER_PATTERN_LENGTH}`;
  }
  const regex = /^%(.*)%$/s.exec(pattern);
  if (!regex) return undefined;
  const body = regex[1];
  const bad = [...body].filter((c) => !/[A-Za-z0-9]/.test(c) && !CLOUDWATCH_REGEX_SYMBOLS.includes(c));
  if (bad.length > 0) {
    return `uses ${[...new Set(bad)].map((c) => JSON.stringify(c)).join(', ')}, which CloudWatch regex patterns do not support`;
  }
  return undefined;
}

export function isRegexPattern(pattern: string): boolean {
  return /^%.*%$/s.test(pattern);
}
