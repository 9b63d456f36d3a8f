import { createRedactor } from './redact';
import type { JsonObject } from './types';

/**
 * The forwarder's own structured JSON logs: one line per entry, stable keys first (`timestamp`, `level`, `service`,
 * `message`), then the invocation's keys, then the entry's. Every entry is scrubbed twice before it is written: the
 * shared redaction rules run over its values (so an error message that quotes a URL with a key cannot leak it), then
 * the values of secrets this container loaded (DSN, keys) are replaced. Redaction works on the values, not on the
 * serialised line: text rules over JSON text could cut through an escaped quote and write a line that is no JSON.
 */

export const LOG_LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (e.g. the request id). */
  child(fields: LogFields): Logger;
}

export type LineSink = (line: string) => void;
export const stdoutSink: LineSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Values that must never appear in a log line, as they appear inside a JSON string; filled by the secret loader. */
const knownSecrets = new Set<string>();
/** Shorter strings would scrub ordinary words. */
const MIN_SCRUBBED_SECRET_CHARS = 8;

export function registerSecretForScrubbing(value: string): void {
  if (value.length >= MIN_SCRUBBED_SECRET_CHARS) knownSecrets.add(JSON.stringify(value).slice(1, -1));
}

const lineRedactor = createRedactor();

/** One log line: the entry's values redacted, then every loaded secret (in its JSON-escaped form) replaced. */
function serialise(entry: Record<string, unknown>): string {
  const plain = JSON.parse(JSON.stringify(entry, errorsAsFields)) as JsonObject;
  let line = JSON.stringify(lineRedactor.json(plain));
  for (const escaped of knownSecrets) {
    if (line.includes(escaped)) line = line.split(escaped).join('[REDACTED:secret]');
  }
  return line;
}

export interface LoggerOptions {
  readonly service: string;
  readonly level?: LogLevel;
  readonly sink?: LineSink;
  readonly now?: () => number;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = LOG_LEVELS[options.level ?? 'INFO'];
  const sink = options.sink ?? stdoutSink;
  const now = options.now ?? Date.now;
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LOG_LEVELS[level] < threshold) return;
    const entry = { timestamp: new Date(now()).toISOString(), level, service: options.service, message, ...bound, ...fields };
    sink(serialise(entry));
  };
  return {
    debug: (message, fields) => write('DEBUG', message, fields),
    info: (message, fields) => write('INFO', message, fields),
    warn: (message, fields) => write('WARN', message, fields),
    error: (message, fields) => write('ERROR', message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** Errors serialise as name/message (no stack: stacks of the forwarder itself go to Lambda's own error output). */
function errorsAsFields(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Reads LOG_LEVEL the way Powertools does; anything unknown means INFO. */
export function logLevelFrom(raw: string | undefined): LogLevel {
  const upper = (raw ?? '').toUpperCase();
  return upper in LOG_LEVELS ? (upper as LogLevel) : 'INFO';
}
