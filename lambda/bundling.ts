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

/**
 * V8 flags for the forwarder functions, set as their `NODE_OPTIONS` (Lambda passes it to the runtime; only flags
 * Node allows there work, e.g. not `--single-threaded-gc`): semi-spaces of 2 MiB instead of V8's 16 MiB default, so
 * the short-lived garbage of a batch (parsed lines, drafts, request bodies) is collected young and the resident set
 * does not creep towards its high-water mark across warm invocations. Measured on the Sentry benchmark (default
 * storm cap): peak RSS 131 → 118 MB over 16 invocations, CPU within the run-to-run noise. The benchmarks run the
 * handler with these same flags and print them.
 */
export const FORWARDER_NODE_OPTIONS = '--max-semi-space-size=2';

/** Options in esbuild's own names (what `esbuild.build` takes). */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: BUNDLE_TARGET,
  minify: true,
  sourcemap: true,
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
  target: BUNDLE_TARGET,
  externalModules: [...EXTERNAL_MODULES],
  forceDockerBundling: false,
  esbuildArgs: { '--main-fields': ESBUILD_OPTIONS.mainFields.join(','), '--legal-comments': ESBUILD_OPTIONS.legalComments },
} as const;
