import { spawnSync } from 'node:child_process';
import type { BenchNode } from './lambda-node';
import { median } from './median';

/** What a bundle adds to a cold start, and the two starts it is the difference of (medians, in ms). */
export interface ColdInit {
  /** Median over the pairs of (start requiring the bundle − bare start just before it). */
  readonly overBareMs: number;
  readonly bareMs: number;
  readonly withBundleMs: number;
}

/** Wall time of one `node` start running `args`. */
function startMs(node: BenchNode, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(node.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed with status ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Cold init of a bundle over a bare `node` start, both with the same environment (NODE_OPTIONS included). The two
 * alternate and each pair is differenced, so drift on a shared machine hits both starts of a pair alike.
 */
export function coldInitOverBareNode(node: BenchNode, bundleFile: string, env: NodeJS.ProcessEnv, pairs = 21): ColdInit {
  const bare: number[] = [];
  const withBundle: number[] = [];
  const differences: number[] = [];
  for (let i = 0; i < pairs; i++) {
    bare.push(startMs(node, ['-e', ''], env));
    withBundle.push(startMs(node, ['-e', `require(${JSON.stringify(bundleFile)})`], env));
    differences.push(withBundle[i]! - bare[i]!);
  }
  return { overBareMs: median(differences), bareMs: median(bare), withBundleMs: median(withBundle) };
}
