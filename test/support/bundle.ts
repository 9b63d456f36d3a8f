import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, FORWARDER_ENTRY_POINTS, FORWARDER_NODE_OPTIONS, type ForwarderName } from '../../lambda/bundling';

/**
 * Builds a forwarder exactly as it ships (the shared esbuild options) into `.bench/bundles/` inside the repo, so the
 * bundle's `require('@aws-sdk/...')` resolves from node_modules as it would from the Lambda runtime.
 */
export const BUNDLE_DIR = path.resolve(__dirname, '..', '..', '.bench', 'bundles');

/**
 * The V8 flags the benchmarks run the handler with: the functions' own at the default memory size (FORWARDER_NODE_OPTIONS), unless
 * BENCH_NODE_OPTIONS names others to compare (`BENCH_NODE_OPTIONS= npm run bench:sentry` runs with none).
 */
export function benchNodeOptions(): string {
  return process.env.BENCH_NODE_OPTIONS ?? FORWARDER_NODE_OPTIONS;
}

export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
}

export async function buildForwarderBundle(name: ForwarderName): Promise<BuiltBundle> {
  const outdir = path.join(BUNDLE_DIR, name);
  fs.mkdirSync(outdir, { recursive: true });
  const file = path.join(outdir, 'index.js');
  await build({ ...ESBUILD_OPTIONS, external: [...ESBUILD_OPTIONS.external], mainFields: [...ESBUILD_OPTIONS.mainFields], entryPoints: [FORWARDER_ENTRY_POINTS[name]], outfile: file, logLevel: 'silent' });
  return { file, bytes: fs.statSync(file).size };
}

/**
 * Runs a built bundle in its own `node` process, the way Lambda runs it (with the functions' NODE_OPTIONS): a fresh
 * process is a cold container. The
 * handler is invoked over IPC; stdout (the forwarder's logs and EMF) is collected. The bundle loads the AWS SDK with
 * a dynamic `import()`, which needs a real Node process rather than Jest's module sandbox.
 */
export interface BundleProcess {
  invoke(event: unknown, remainingMs?: number): Promise<unknown>;
  /** Everything the process wrote to stdout so far, split in lines. */
  stdoutLines(): string[];
  /** The process's own peak RSS (MB, test/support/peak-rss.js) as of its last answered invocation: what Lambda's memory limit counts. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

const DRIVER = `
const { handler } = require(process.env.BUNDLE_FILE);
const { peakRssMb } = require(process.env.PEAK_RSS);
process.on('message', async ({ id, event, remainingMs }) => {
  const deadline = Date.now() + remainingMs;
  try {
    const result = await handler(event, { awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', getRemainingTimeInMillis: () => deadline - Date.now() });
    process.send({ id, result, peakRssMb: peakRssMb() });
  } catch (error) {
    process.send({ id, error: String(error && error.message || error) });
  }
});
process.send({ ready: true });
`;

export async function startBundleProcess(bundle: BuiltBundle, env: Readonly<Record<string, string>>): Promise<BundleProcess> {
  const { fork } = await import('node:child_process');
  const driver = path.join(path.dirname(bundle.file), 'run-handler.js');
  fs.writeFileSync(driver, DRIVER);
  const child = fork(driver, [], { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: FORWARDER_NODE_OPTIONS, ...env, BUNDLE_FILE: bundle.file, PEAK_RSS: path.join(__dirname, 'peak-rss.js') }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let peakRss = 0;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk.toString('utf8')).slice(-4096); // the tail says why a container died
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    // A container that dies (V8 out of memory, a crash) fails its invocations at once rather than leave them hanging.
    child.once('exit', (code, signal) => {
      const error = new Error(`bundle process exited (${signal ?? `code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string; peakRssMb?: number }) => {
      if (message.peakRssMb !== undefined) peakRss = message.peakRssMb;
      if (message.ready) return resolve();
      const waiter = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  });
  return {
    invoke: (event, remainingMs = 60_000) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, event, remainingMs });
      }),
    stdoutLines: () => stdout.split('\n').filter((line) => line.trim() !== ''),
    peakRssMb: () => peakRss,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return; // already gone (a crash ends by signal)
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
