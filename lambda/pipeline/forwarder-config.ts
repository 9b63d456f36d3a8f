import { decompressedBytesLimit } from './decode';
import { ENV, positiveIntegerFrom, type Env } from './env-names';
import { DEFAULT_RETRY_MAX_RECEIVES, type ForwarderOptions } from './forwarder';
import type { Logger } from './logger';
import { createRedactor, parseExtraPatterns, type Redactor } from './redact';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { ForwarderContext } from './types';

/** What every forwarder reads from its environment, read once per container. */
export interface ForwarderConfig {
  readonly context: ForwarderContext;
  readonly retryQueueUrl?: string;
  readonly deadLetterQueueUrl?: string;
  readonly retryMaxReceives: number;
  readonly deliveryConcurrency: number;
  /** The retry policy for one delivery, with the configured request timeout. */
  readonly retryPolicy: RetryPolicy;
  readonly redactor: Redactor;
  /** The largest inflated subscription batch this function's memory takes (see `decompressedBytesLimit`). */
  readonly maxDecompressedBytes: number;
  /** Recoverable misconfigurations (a bad number fell back to its default); the handler logs them once. */
  readonly warnings: readonly string[];
}

/** Requests in flight to one destination per invocation. */
export const DEFAULT_DELIVERY_CONCURRENCY = 8;
/** More would only queue behind the connection pool's socket cap (MAX_SOCKETS_PER_HOST). */
export const MAX_DELIVERY_CONCURRENCY = 32;

export interface ConfigNames {
  /** Env vars naming the environment, first set wins (e.g. SENTRY_ENVIRONMENT, then LOGS_ENVIRONMENT). */
  readonly environment: readonly string[];
  /** Env var naming the release, if the destination has one. */
  readonly release?: string;
}

/** Throws `RedactionConfigError` for bad REDACT_EXTRA_PATTERNS: better not to start than to forward unredacted. */
export function readForwarderConfig(env: Env, names: ConfigNames): ForwarderConfig {
  const warnings: string[] = [];
  const environment = names.environment.map((name) => env[name]?.trim()).find((value) => value) ?? 'unknown';
  const release = names.release ? env[names.release]?.trim() || undefined : undefined;
  const concurrency = positiveIntegerFrom(env, ENV.deliveryConcurrency, DEFAULT_DELIVERY_CONCURRENCY, (m) => warnings.push(m));
  return {
    context: { environment, region: env[ENV.awsRegion] ?? 'unknown', ...(release ? { release } : {}) },
    retryQueueUrl: env[ENV.retryQueueUrl]?.trim() || undefined,
    deadLetterQueueUrl: env[ENV.deadLetterQueueUrl]?.trim() || undefined,
    retryMaxReceives: positiveIntegerFrom(env, ENV.retryMaxReceives, DEFAULT_RETRY_MAX_RECEIVES, (m) => warnings.push(m)),
    deliveryConcurrency: Math.min(concurrency, MAX_DELIVERY_CONCURRENCY),
    retryPolicy: {
      ...DEFAULT_RETRY_POLICY,
      attemptTimeoutMs: positiveIntegerFrom(env, ENV.deliveryTimeoutMs, DEFAULT_RETRY_POLICY.attemptTimeoutMs, (m) => warnings.push(m)),
    },
    redactor: createRedactor({ extraPatterns: parseExtraPatterns(env[ENV.redactExtraPatterns]) }),
    maxDecompressedBytes: decompressedBytesLimit(functionMemoryMiB(env, (m) => warnings.push(m))),
    warnings,
  };
}

/** The pipeline's options every forwarder takes from its config the same way. */
export function pipelineOptionsFrom(config: ForwarderConfig, logger: Logger): ForwarderOptions {
  return {
    context: config.context,
    redactor: config.redactor,
    retryQueueUrl: config.retryQueueUrl,
    deadLetterQueueUrl: config.deadLetterQueueUrl,
    retryMaxReceives: config.retryMaxReceives,
    maxDecompressedBytes: config.maxDecompressedBytes,
    logger,
  };
}

/** Lambda's smallest function memory: what a value Lambda would never set is read as, so the limit errs low. */
const MIN_FUNCTION_MEMORY_MIB = 128;

/** Lambda always sets it; unset or blank (a local run) leaves the memory unknown. */
function functionMemoryMiB(env: Env, onProblem: (message: string) => void): number | undefined {
  if (!env[ENV.functionMemory]?.trim()) return undefined;
  return positiveIntegerFrom(env, ENV.functionMemory, MIN_FUNCTION_MEMORY_MIB, onProblem);
}
