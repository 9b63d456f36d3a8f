import type { SentryLevel } from './detected-error';

/**
 * Log levels as the common libraries write them, mapped to what we forward: `error` and `fatal` only. Anything at
 * warning or below is not an error, whatever else the line contains.
 */

export type LevelVerdict = SentryLevel | 'below-error' | 'unknown';

/** A Map, not an object literal: a level read from a log line must never find `constructor` or `__proto__`. */
const NAMED: ReadonlyMap<string, LevelVerdict> = new Map(
  Object.entries({
    fatal: 'fatal',
    critical: 'fatal',
    crit: 'fatal',
    emerg: 'fatal',
    emergency: 'fatal',
    alert: 'fatal',
    panic: 'fatal',
    dpanic: 'fatal',
    error: 'error',
    err: 'error',
    severe: 'error',
    warn: 'below-error',
    warning: 'below-error',
    notice: 'below-error',
    info: 'below-error',
    information: 'below-error',
    informational: 'below-error',
    debug: 'below-error',
    trace: 'below-error',
    fine: 'below-error',
    finer: 'below-error',
    finest: 'below-error',
    config: 'below-error',
    verbose: 'below-error',
    silly: 'below-error',
  } satisfies Record<string, LevelVerdict>),
);

/** pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
const PINO_ERROR = 50;
const PINO_FATAL = 60;

export function levelFrom(value: unknown): LevelVerdict {
  if (typeof value === 'number') {
    if (value >= PINO_FATAL) return 'fatal';
    if (value >= PINO_ERROR) return 'error';
    return 'below-error';
  }
  if (typeof value !== 'string') return 'unknown';
  return NAMED.get(value.trim().toLowerCase()) ?? 'unknown';
}
