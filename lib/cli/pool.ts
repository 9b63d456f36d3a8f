/**
 * Runs `task(0..count-1)` with at most `width` at once. After the first failure no new task starts, `onFailure`
 * lets running ones know, and the failure is rethrown only once every worker has returned, so no AWS request
 * outlives the command that made it.
 */
export async function runPool(count: number, width: number, task: (index: number) => Promise<void>, onFailure: () => void = () => undefined): Promise<void> {
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          onFailure();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  if (failure !== undefined) throw failure.error;
}
