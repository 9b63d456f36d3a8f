/**
 * Remembers a pure function of a string for the container's life, up to `maxEntries` distinct inputs (log lines
 * are untrusted: a flood of distinct model names or metadata keys must not grow memory without bound). The same
 * few models and keys repeat on every line, so the cache saves regex work per event.
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
