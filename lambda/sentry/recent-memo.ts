import { ownCopy } from '../pipeline/own-copy';
/**
 * Remembers a pure function of a (long) string for the container's life: the latest inputs, up to `maxEntries` of
 * them and `maxTotalChars` characters in all; an input longer than `maxInputChars` is computed every time. Log
 * lines are untrusted, so memory stays bounded whatever arrives. Unlike `pipeline/bounded-memo`, which keeps the
 * first inputs it sees and then stops, this one lets the oldest input go: a container outlives many storms, and
 * each storm repeats its own stack or error report. A remembered value is shared by every caller: it must be
 * treated as immutable.
 */
export interface RecentMemoLimits {
  readonly maxEntries: number;
  readonly maxInputChars: number;
  readonly maxTotalChars: number;
}

/** `compute` answers null rather than undefined, so that one lookup tells a remembered answer from none. */
export function recentMemo<T extends object | null>(compute: (input: string) => T, limits: RecentMemoLimits): (input: string) => T {
  // A Map iterates in insertion order: its first key is the oldest.
  const cache = new Map<string, T>();
  let totalChars = 0;
  return (input) => {
    if (input.length > limits.maxInputChars) return compute(input);
    const remembered = cache.get(input);
    if (remembered !== undefined) return remembered;
    // Computed on the copy that is kept: the answer's strings (a stack's paths and messages) are then views of the
    // copy, not of the whole log line the input was cut from.
    const key = ownCopy(input);
    const value = compute(key);
    while (cache.size > 0 && (cache.size >= limits.maxEntries || totalChars + input.length > limits.maxTotalChars)) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
      totalChars -= oldest.length;
    }
    cache.set(key, value);
    totalChars += input.length;
    return value;
  };
}
