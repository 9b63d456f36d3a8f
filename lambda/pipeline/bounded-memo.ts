/**
 * Remembers a pure function of a string for the container's life, up to `maxEntries` distinct inputs (log lines
 * are untrusted: a flood of distinct model names, keys or stack lines must not grow memory without bound). The same
 * few models, keys and stack frames repeat on every line, so the cache saves regex work per event. A cached value
 * is shared by every caller: it must be treated as immutable.
 */
export function boundedMemo<T>(compute: (input: string) => T, maxEntries = 1000): (input: string) => T {
  const cache = new Map<string, T>();
  return (input) => {
    const hit = cache.get(input);
    if (hit !== undefined || cache.has(input)) return hit as T;
    const value = compute(input);
    if (cache.size < maxEntries) cache.set(input, value);
    return value;
  };
}
