import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS, FORWARDER_ENTRY_POINTS, type ForwarderName } from '../../lambda/bundling';

/**
 * Builds a forwarder exactly as it ships (the shared esbuild options) into `.bench/bundles/` inside the repo, so the
 * bundle's `require('@aws-sdk/...')` resolves from node_modules as it would from the Lambda runtime.
 */
export const BUNDLE_DIR = path.resolve(__dirname, '..', '..', '.bench', 'bundles');

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
