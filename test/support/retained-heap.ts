import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection now, through V8's gc (exposed for the test process on first use). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Heap bytes still in use after `work` and a full collection, over the heap before it: what `work` left reachable.
 * The tests that a cache keeps no log line alive measure with it.
 */
export function retainedHeapBytes(work: () => void): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  work();
  collectGarbage();
  return process.memoryUsage().heapUsed - before;
}
