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
/** Young-generation semi-space (MiB): V8 defaults to up to 16 MiB on a large host. */
export const FORWARDER_SEMI_SPACE_MIB = 2;

/**
 * The `NODE_OPTIONS` of a forwarder function of `memoryMiB` (Lambda passes it to the runtime; only flags Node allows
 * there work, e.g. not `--single-threaded-gc`). The benchmarks run the handler with exactly these.
 * - `--enable-source-maps`: stacks in the forwarder's own error logs point into the TypeScript, not the minified bundle;
 * - `--max-semi-space-size=2`: the short-lived garbage of a batch (parsed lines, drafts) is collected young;
 * - `--max-old-space-size` at half the function's memory: V8 sizes its old generation from the host, not from the
 *   function, and collects lazily, so across warm invocations large dead objects (a Langfuse export body is a few
 *   MB, in large-object space) pile up to the high-water mark. With a limit that matches the function, old garbage
 *   is collected before it counts; the other half stays for buffers, sockets and the runtime.
 * The Node.js 24 runtime's bootstrap sets its own semi- and old-space sizes from the function's memory only when
 * NODE_OPTIONS names neither, so these are the ones that apply.
 * Measured on Node 24 against V8's defaults on a large host (the processes' own peak RSS, benchmark workloads):
 * Sentry 156-168 → 88-93 MB, Langfuse 186 → 111 MB. The price is CPU: below a 2 GB old-space limit V8 lets the heap
 * grow only 1.3-2× between major collections instead of 4×, so the Sentry batch costs 11-16% more CPU. A heap that
 * stays well inside the function's memory is worth more to a forwarder than that: an out-of-memory kill ends the
 * invocation with none of its own logs or metrics written, and its batch goes the slow way (async retries, then the
 * dead-letter queue).
 */
export function forwarderNodeOptions(memoryMiB: number = DEFAULT_FORWARDER_MEMORY_MIB): string {
  return `--enable-source-maps --max-semi-space-size=${FORWARDER_SEMI_SPACE_MIB} --max-old-space-size=${Math.floor(memoryMiB / 2)}`;
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
