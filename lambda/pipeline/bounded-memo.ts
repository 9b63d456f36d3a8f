import { ownCopy } from './own-copy';

/**
 * Remembers a pure function of a string for the container's life, up to `maxEntries` distinct inputs (log lines
 * are untrusted: a flood of distinct model names, keys or stack lines must not grow memory without bound). The same
 * few models, keys and stack frames repeat on every line, so the cache saves regex work per event. A cached value
 * is shared by every caller: it must be treated as immutable.
 */
const UNDEFINED: unique symbol = Symbol('undefined');

export function boundedMemo<T>(compute: (input: string) => T, maxEntries = 1000): (input: string) => T {
  // `undefined` is a common answer (e.g. "not a frame line"): stored as a marker, so a hit is one lookup.
  const cache = new Map<string, T | typeof UNDEFINED>();
  return (input) => {
    const hit = cache.get(input);
    if (hit !== undefined) return (hit === UNDEFINED ? undefined : hit) as T;
    if (cache.size >= maxEntries) return compute(input);
    // Computed on the copy that is kept: an answer cut from the input (a frame's path, the input itself when
    // redaction found nothing) is then a view of the copy, not of the whole log line the input was cut from.
    const key = ownCopy(input);
    const value = compute(key);
    cache.set(key, value === undefined ? UNDEFINED : value);
    return value;
  };
}
