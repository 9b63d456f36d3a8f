/**
 * What the classifiers find in one log line, before it is shaped into a Sentry event. Frames are oldest-first and
 * exceptions root-cause-first (the primary exception is the last), which is the order Sentry's event format wants.
 */

export type SentryLevel = 'fatal' | 'error';
export type Platform = 'node' | 'python' | 'java' | 'go' | 'other';

/** The log shapes the classifier understands; sent as the `log.format` extra so a surprising event can be traced. */
export const LOG_FORMATS = {
  pino: 'pino',
  bunyan: 'bunyan',
  winston: 'winston',
  powertoolsTs: 'powertools-typescript',
  powertoolsPython: 'powertools-python',
  structlog: 'structlog',
  pythonJson: 'python-json-logger',
  log4j2Json: 'log4j2-json',
  ecsJson: 'ecs-json',
  lambdaJson: 'lambda-runtime-json',
  lambdaText: 'lambda-runtime-text',
  lambdaPlatform: 'lambda-platform',
  jsonGeneric: 'json',
  v8Trace: 'v8-trace',
  pythonTraceback: 'python-traceback',
  javaTrace: 'java-trace',
  goPanic: 'go-panic',
  plainText: 'plain-text',
} as const;
export type LogFormat = (typeof LOG_FORMATS)[keyof typeof LOG_FORMATS];

export interface StackFrame {
  readonly function?: string;
  /** The path as the runtime printed it. */
  readonly abs_path?: string;
  /** A short, stable path (relative to the task root) for grouping. */
  readonly filename?: string;
  /** Java class / Python module / Go package. */
  readonly module?: string;
  readonly lineno?: number;
  readonly colno?: number;
  readonly context_line?: string;
  readonly in_app: boolean;
}

export interface ExceptionInfo {
  readonly type: string;
  readonly value: string;
  readonly module?: string;
  /** Oldest first. */
  readonly frames: readonly StackFrame[];
}

export interface DetectedError {
  readonly level: SentryLevel;
  readonly format: LogFormat;
  readonly platform: Platform;
  /** The human message of the line, raw: redaction applies to the Sentry event built from it. */
  readonly message: string;
  /** Root cause first, primary exception last; empty when the line carries no exception. */
  readonly exceptions: readonly ExceptionInfo[];
  /** Milliseconds since the epoch, when the line carries its own time. */
  readonly timestamp?: number;
  readonly logger?: string;
  readonly requestId?: string;
  readonly functionName?: string;
  readonly service?: string;
  readonly release?: string;
  readonly userId?: string;
  readonly traceId?: string;
}
