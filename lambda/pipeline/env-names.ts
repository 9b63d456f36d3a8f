/**
 * The environment variables the forwarder Lambdas read, named once. The CDK construct that deploys a forwarder
 * imports these names so the two sides can never drift.
 */
export const ENV = {
  /** URL of the SQS retry queue that failed deliveries are parked in. */
  retryQueueUrl: 'RETRY_QUEUE_URL',
  /**
   * URL of the dead-letter queue: failures that retrying cannot fix (a payload the destination refuses, e.g. Sentry
   * 400/413, a span Langfuse still rejects alone) go there at once, with the reason, instead of round the retry queue.
   */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** The queue's `maxReceiveCount`: a message failing on this receive goes to the dead-letter queue next. */
  retryMaxReceives: 'RETRY_MAX_RECEIVES',
  /** The logs environment (`dev`, `prod`): tags every forwarded event. */
  logsEnvironment: 'LOGS_ENVIRONMENT',
  /** JSON array of extra regular-expression sources to redact, per environment. */
  redactExtraPatterns: 'REDACT_EXTRA_PATTERNS',
  /** Concurrent requests to a destination per invocation. */
  deliveryConcurrency: 'DELIVERY_CONCURRENCY',
  /** Longest single request to a destination, in milliseconds. */
  deliveryTimeoutMs: 'DELIVERY_TIMEOUT_MS',
  /** Sentry: events sent per fingerprint per invocation before the rest are counted as suppressed. */
  maxEventsPerFingerprint: 'MAX_EVENTS_PER_FINGERPRINT',
  sentryEnvironment: 'SENTRY_ENVIRONMENT',
  sentryRelease: 'SENTRY_RELEASE',
  /** Set by the Lambda runtime. */
  awsRegion: 'AWS_REGION',
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
  /** Set by the Lambda runtime: the function's memory in MiB. */
  functionMemory: 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** A positive integer from the environment, or the default when unset; a bad value warns through `onProblem`. */
export function positiveIntegerFrom(
  env: Env,
  name: string,
  fallback: number,
  onProblem: (message: string) => void,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  onProblem(`${name} must be a positive integer, got "${raw}"; using ${fallback}`);
  return fallback;
}
