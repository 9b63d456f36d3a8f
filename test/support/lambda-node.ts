import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_TARGET } from '../../lambda/bundling';

/**
 * The `node` the benchmarks run the bundled handlers with: the major version of the Lambda runtime the forwarders
 * deploy to (Node.js 24), not whatever Node runs the tooling. V8's tiers differ between majors, and a container's
 * first invocations are mostly JIT warm-up, so a figure measured on another major is not the deployed function's
 * (measured here: Node 20 spends about a quarter more CPU on a fresh container's invocations 2-16 than Node 24).
 *
 * When the current `node` is of that major it is used as is. Otherwise the Node.js release binary for this platform,
 * as repackaged on the npm registry (the `node-<platform>-<arch>` packages that the `node` package installs from;
 * npm checks the package's own integrity hash, not nodejs.org's SHASUMS256), is fetched once into `.bench/node/`.
 * If that fails, the benchmark runs on the current `node` and says so in its report.
 */

/** The Lambda runtime's major, from the esbuild target the bundles are built for ('node24'). */
export const LAMBDA_NODE_MAJOR = Number(/^node(\d+)$/.exec(BUNDLE_TARGET)?.[1]);
/** The release fetched when the current `node` is of another major: the latest 24.x when this was written. */
export const LAMBDA_NODE_VERSION = '24.21.0';

const CACHE_DIR = path.resolve(__dirname, '..', '..', '.bench', 'node');

export interface BenchNode {
  /** Path of the `node` binary. */
  readonly execPath: string;
  /** What it printed for `--version`, e.g. `v24.21.0`. */
  readonly version: string;
  /** Why it is not of the Lambda runtime's major, when it is not. */
  readonly warning?: string;
}

export function lambdaNode(): BenchNode {
  if (Number(process.versions.node.split('.')[0]) === LAMBDA_NODE_MAJOR) return { execPath: process.execPath, version: process.version };
  try {
    const execPath = cachedBinary() ?? fetchBinary();
    const version = versionOf(execPath);
    // The pinned release must follow the runtime the bundles target, or the figures are another major's.
    if (Number(/^v(\d+)\./.exec(version)?.[1]) === LAMBDA_NODE_MAJOR) return { execPath, version };
    return { execPath, version, warning: `ran on Node ${version}, not the Lambda runtime's major ${LAMBDA_NODE_MAJOR} (${BUNDLE_TARGET}): pin a ${LAMBDA_NODE_MAJOR}.x release in LAMBDA_NODE_VERSION` };
  } catch (error) {
    return {
      execPath: process.execPath,
      version: process.version,
      warning: `could not fetch Node ${LAMBDA_NODE_VERSION} (${(error as Error).message.split('\n')[0]}); ran on ${process.version}, whose figures are not the Lambda runtime's`,
    };
  }
}

function packageName(): string {
  return `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
}

function binaryPath(): string {
  const dir = path.join(CACHE_DIR, `${LAMBDA_NODE_VERSION}-${process.platform}-${process.arch}`);
  return path.join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}

function cachedBinary(): string | undefined {
  const file = binaryPath();
  return fs.existsSync(file) ? file : undefined;
}

/**
 * `npm pack` verifies the tarball against the registry's integrity hash; `tar` unpacks it in a directory of its own,
 * which is renamed into place whole, so a fetch cut short (or a second one running beside it) never leaves a
 * half-unpacked binary where the cache is looked up.
 */
function fetchBinary(): string {
  const file = binaryPath();
  const dir = path.dirname(path.dirname(path.dirname(file)));
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const spec = `${packageName()}@${LAMBDA_NODE_VERSION}`;
  process.stderr.write(`fetching ${spec} from the npm registry (once) to run the handler on the Lambda runtime's Node major\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const staging = fs.mkdtempSync(`${dir}.fetching-`);
  try {
    const packed = JSON.parse(execFileSync(npm, ['pack', spec, '--json', '--pack-destination', staging], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { filename: string }[];
    const tarball = path.join(staging, packed[0].filename);
    execFileSync('tar', ['-xzf', tarball, '-C', staging]);
    fs.rmSync(tarball);
    if (!fs.existsSync(path.join(staging, path.relative(dir, file)))) throw new Error(`${spec} has no ${path.relative(dir, file)}`);
    // Another fetch may have finished first; its binary is as good as ours.
    if (!fs.existsSync(file)) {
      fs.rmSync(dir, { recursive: true, force: true }); // what an older, interrupted fetch left
      fs.renameSync(staging, dir);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return file;
}

function versionOf(execPath: string): string {
  return execFileSync(execPath, ['--version'], { encoding: 'utf8' }).trim();
}
