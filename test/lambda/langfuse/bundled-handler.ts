import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Runs a bundled handler in its own `node` process, as Lambda would: outside Jest's module sandbox, so the bundle's
 * on-demand `import('@aws-sdk/client-sqs')` loads for real. Invocations go over IPC; the child's stdout (the
 * forwarder's logs and EMF documents) is collected line by line.
 */

const CHILD = `
const { handler } = require(process.argv[1]);
process.on('message', async ({ id, event, remainingMs }) => {
  const deadline = Date.now() + remainingMs;
  const context = { awsRequestId: 'req-' + id, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  try {
    process.send({ id, ok: true, result: await handler(event, context) });
  } catch (error) {
    process.send({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
process.send({ ready: true });
`;

export interface BundledHandler {
  invoke<T>(event: unknown, remainingMs: number): Promise<T>;
  /** Every line the handler wrote to stdout. */
  readonly stdout: string[];
  close(): Promise<void>;
}

interface Reply {
  readonly id?: number;
  readonly ready?: boolean;
  readonly ok?: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

export async function startBundledHandler(file: string, env: NodeJS.ProcessEnv): Promise<BundledHandler> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD, file], { env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const stdout: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines.filter((line) => line !== ''));
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bundled handler exited with ${code} before it was ready`)));
    child.on('message', (reply: Reply) => {
      if (reply.ready) return resolve();
      const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id!);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error));
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`bundled handler exited with ${code}`));
    pending.clear();
  });
  return {
    stdout,
    invoke: <T>(event: unknown, remainingMs: number) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, event, remainingMs });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
