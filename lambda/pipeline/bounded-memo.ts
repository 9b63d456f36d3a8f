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
    const value = compute(input);
    if (cache.size < maxEntries) {
      const key = ownCopy(input);
      // An answer that is the input itself (redaction that found nothing) would be the same view of the line: keep
      // the copy instead.
      cache.set(key, value === undefined ? UNDEFINED : (value as unknown) === input ? (key as T) : value);
    }
    return value;
  };
}
