import type { JsonObject, JsonValue } from './types';

/**
 * Reads one log line as a JSON object without trusting it: bounded in size, nesting depth and breadth, so a hostile
 * or broken line can never blow the stack (JSON.parse itself copes with deep nesting; the walks after it would not)
 * or the memory of a later stage. Never throws; anything that is not a JSON object reads as `undefined`.
 */

/** CloudWatch's largest event is 1 MB; a line longer than that cannot be one whole event. */
export const MAX_JSON_LINE_CHARS = 1024 * 1024;
/** Deeper than any real log shape; subtrees below it are replaced by a marker. */
export const MAX_JSON_DEPTH = 32;
/** Members kept per object or array; the rest are counted in a marker. */
export const MAX_JSON_BREADTH = 1000;

export const DEPTH_LIMIT_MARKER = '[depth limit]';

export function readJsonObject(text: string): JsonObject | undefined {
  if (text.length > MAX_JSON_LINE_CHARS) return undefined;
  const start = firstNonSpace(text);
  if (start < 0 || text.charCodeAt(start) !== 0x7b /* { */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  // Almost every line is within bounds: check without copying, copy (and cut) only the rare one that is not.
  return (withinBounds(parsed, 0) ? parsed : bound(parsed, 0)) as JsonObject;
}

function withinBounds(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    if (value.length > MAX_JSON_BREADTH) return false;
    for (const item of value) if (!withinBounds(item, depth + 1)) return false;
    return true;
  }
  let count = 0;
  for (const key in value) {
    if (++count > MAX_JSON_BREADTH || !withinBounds((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** Copies `value` with depth and breadth limits applied; a within-bounds value comes back structurally equal. */
export function bound(value: unknown, depth: number): JsonValue {
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (depth >= MAX_JSON_DEPTH) return DEPTH_LIMIT_MARKER;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_JSON_BREADTH).map((item) => bound(item, depth + 1));
    if (value.length > MAX_JSON_BREADTH) kept.push(`[${value.length - MAX_JSON_BREADTH} more items]`);
    return kept;
  }
  const out: JsonObject = {};
  let count = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (count++ >= MAX_JSON_BREADTH) {
      out['[truncated]'] = `more than ${MAX_JSON_BREADTH} keys`;
      break;
    }
    setOwn(out, key, bound((value as Record<string, unknown>)[key], depth + 1));
  }
  return out;
}

/** Sets a key as an own property, `__proto__` included (plain assignment would change the prototype instead). */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
  }
  return -1;
}
