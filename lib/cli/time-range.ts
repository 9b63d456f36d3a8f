import { usageError } from './cli-error';

/** A query's time window, in milliseconds since the epoch. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** `--since` when neither it nor `--start` is given. */
export const DEFAULT_SINCE = '1h';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `90s`, `15m`, `1h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw usageError(`--since must be a positive whole number with a unit s, m, h, d or w (e.g. 15m, 1h, 7d), got "${text}"`);
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** An ISO 8601 time (`2026-11-21T09:00:00Z`, `2026-11-21`) or epoch seconds → milliseconds. */
export function parseInstant(text: string, option: string): number {
  const trimmed = text.trim();
  const ms = /^\d{9,10}$/.test(trimmed) ? Number(trimmed) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : NaN;
  if (!Number.isFinite(ms)) throw usageError(`--${option} must be an ISO 8601 time (2026-11-21T09:00:00Z) or epoch seconds, got "${text}"`);
  return ms;
}

/** `--since` or `--start`/`--end` (end defaults to now); never both `--since` and `--start`. */
export function resolveTimeRange(options: { since?: string; start?: string; end?: string }, now: Date): TimeRange {
  if (options.since !== undefined && options.start !== undefined) throw usageError('give either --since or --start/--end, not both');
  const end = options.end !== undefined ? parseInstant(options.end, 'end') : now.getTime();
  const start = options.start !== undefined ? parseInstant(options.start, 'start') : end - parseDuration(options.since ?? DEFAULT_SINCE);
  if (options.end !== undefined && options.start === undefined && options.since === undefined) {
    throw usageError('--end needs --start');
  }
  if (start >= end) throw usageError(`the time range is empty: --start ${new Date(start).toISOString()} is not before --end ${new Date(end).toISOString()}`);
  return { start, end };
}
