import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap bytes still in use after `work` and a full collection, over the heap before it: what `work` left reachable.
 * The tests that a cache keeps no log line alive measure with it (V8's gc exposed for the test process).
 */
export function retainedHeapBytes(work: () => void): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  work();
  gc();
  return process.memoryUsage().heapUsed - before;
}
