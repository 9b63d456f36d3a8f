import * as path from 'node:path';

/**
 * The esbuild options every forwarder bundle is built with: the CDK `NodejsFunction` (lib/) and the tests and
 * benchmark (test/support/bundle.ts) use these same values, so what is tested is what ships.
 */

/** Node.js 24 on arm64: the Lambda runtime the forwarders deploy to (aws-cdk-lib `Runtime.NODEJS_24_X`). */
export const BUNDLE_TARGET = 'node24';

/**
 * The Lambda runtime provides the AWS SDK v3; bundling it would add megabytes and cold-start time. It is only
 * loaded on demand (SQS when parking, KMS when decrypting the DSN).
 */
export const EXTERNAL_MODULES: readonly string[] = ['@aws-sdk/*'];

export const FORWARDER_ENTRY_POINTS = {
  sentry: path.join(__dirname, 'sentry', 'handler.ts'),
  langfuse: path.join(__dirname, 'langfuse', 'handler.ts'),
} as const;
export type ForwarderName = keyof typeof FORWARDER_ENTRY_POINTS;

/** The forwarders' default memory size (MiB); the CDK construct's default. */
export const DEFAULT_FORWARDER_MEMORY_MIB = 256;
/**
 * Young-generation semi-space (MiB) for a function of `memoryMiB`: 1/32 of it, between 2 and 16 (V8's own largest
 * default), so 8 MiB at the default 256 MiB.
 */
function semiSpaceMiB(memoryMiB: number): number {
  return Math.min(16, Math.max(2, Math.floor(memoryMiB / 32)));
}

/**
 * The `NODE_OPTIONS` of a forwarder function of `memoryMiB` (Lambda passes it to the runtime; only flags Node allows
 * there work, e.g. not `--single-threaded-gc`). The benchmarks run the handler with exactly these.
 * - `--enable-source-maps`: the stack of an error that escapes the handler, as the runtime logs it, points into the
 *   TypeScript, not the minified bundle (the forwarder's own error logs carry name and message only);
 * - `--max-semi-space-size` (`semiSpaceMiB`): a batch's short-lived garbage (parsed lines, drafts, bodies) dies young;
 *   the young generation's size is what sets the CPU V8 spends collecting it;
 * - `--max-old-space-size` at half the function's memory: the heap stays well inside the function, the other half
 *   left for buffers, sockets, code and the runtime. An out-of-memory kill ends the invocation with none of its own
 *   logs or metrics written, and its batch goes the slow way (async retries, then the dead-letter queue); the batch a
 *   function reads is bounded by its memory too (`decompressedBytesLimit` in pipeline/decode.ts).
 * Naming either flag replaces the Node.js runtime bootstrap's own sizing (semi-space 1/20 and old space 9/10 of the
 * function's memory: 12 and 231 MiB at 256 MiB). Measured on Node 24 against those, the Sentry benchmark batch in
 * fresh containers (interleaved, 8-10 each): handler CPU in the steady state 30.5 ms with these flags (semi-space 8),
 * 28.8-29.4 ms with the bootstrap's, 35.9-39.7 ms with a 2 MiB semi-space; the old-space limit (128 or 231) made no
 * difference. Peak RSS 101-106 MB with these, 114-123 MB with the bootstrap's, 91-98 MB with a 2 MiB semi-space. On a
 * batch at the read limit with every error sent, these peak at 135 MB (256 MiB) and 108 MB (128 MiB), the
 * bootstrap's at 158 and 113 MB.
 */
export function forwarderNodeOptions(memoryMiB: number = DEFAULT_FORWARDER_MEMORY_MIB): string {
  return `--enable-source-maps --max-semi-space-size=${semiSpaceMiB(memoryMiB)} --max-old-space-size=${Math.floor(memoryMiB / 2)}`;
}

/** The flags for the default memory size. */
export const FORWARDER_NODE_OPTIONS = forwarderNodeOptions();

/** Options in esbuild's own names (what `esbuild.build` takes). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: BUNDLE_TARGET,
  minify: true,
  sourcemap: true,
  // Positions only: Node maps stack frames without the sources, and a map that embeds them (every bundled module's
  // TypeScript) is held in the heap for the container's life once --enable-source-maps reads it.
  sourcesContent: false,
  external: EXTERNAL_MODULES,
  // ESM entry points first, so `@sentry/core` (sideEffects: false) is tree-shaken to the helpers we import.
  mainFields: ['module', 'main'],
  legalComments: 'none',
} as const;

/**
 * The same, in the shape of aws-cdk-lib's `aws_lambda_nodejs.BundlingOptions` (the lead spreads it into
 * `NodejsFunction({ bundling })`). CDK sets platform, bundle and cjs format itself; `--main-fields` goes through
 * `esbuildArgs`.
 */
export const CDK_BUNDLING_OPTIONS = {
  minify: ESBUILD_OPTIONS.minify,
  sourceMap: ESBUILD_OPTIONS.sourcemap,
  sourcesContent: ESBUILD_OPTIONS.sourcesContent,
  target: BUNDLE_TARGET,
  externalModules: [...EXTERNAL_MODULES],
  forceDockerBundling: false,
  esbuildArgs: { '--main-fields': ESBUILD_OPTIONS.mainFields.join(','), '--legal-comments': ESBUILD_OPTIONS.legalComments },
} as const;
