/**
 * The Sentry forwarder Lambda: CloudWatch Logs subscription events and retry-queue (SQS) events in, Sentry events
 * out. The logic lives in the shared pipeline (`../pipeline/forwarder.ts`) and the Sentry destination; this file
 * only reads the configuration once per container and wires them.
 *
 * Environment (defaults in brackets):
 * - SENTRY_DSN: plain DSN for local runs and tests; overrides SENTRY_DSN_CIPHERTEXT. [unset]
 * - SENTRY_DSN_CIPHERTEXT: the DSN as base64 KMS ciphertext, encrypted with the environment's logs key under the
 *   encryption context { purpose: 'sentry-dsn' }; decrypted once per container. [unset: every event is parked with
 *   "no Sentry DSN configured"]
 * - SENTRY_ENVIRONMENT: the Sentry `environment` of every event, and the Environment dimension of the forwarder's
 *   metrics. [LOGS_ENVIRONMENT, else "unknown"]
 * - LOGS_ENVIRONMENT: the logs environment (dev, prod). ["unknown"]
 * - SENTRY_RELEASE: the forwarder's own release, sent as the `forwarder_release` tag. An event's `release` is only
 *   ever the one its log line carries. [unset]
 * - RETRY_QUEUE_URL: the SQS retry queue failed deliveries are parked in. [unset: parking fails and the invocation
 *   errors, so Lambda's async retry and on-failure destination keep the events]
 * - DEAD_LETTER_QUEUE_URL: the dead-letter queue; an event Sentry refuses (400, 413) goes there at once with the
 *   reason. [unset: it goes round the retry queue until its maxReceiveCount]
 * - RETRY_MAX_RECEIVES: the retry queue's maxReceiveCount, to count dead-lettered messages. [5]
 * - MAX_EVENTS_PER_FINGERPRINT: events sent per fingerprint per invocation during an error storm; the rest are
 *   counted into the last one sent (`extra.suppressed`). [10]
 * - DELIVERY_CONCURRENCY: concurrent requests to Sentry per invocation, over keep-alive connections. [8, at most 32]
 * - DELIVERY_TIMEOUT_MS: the longest single request to Sentry; a slower answer is retried (5xx, network errors and
 *   timeouts get up to 5 attempts, exponential backoff with full jitter, always inside the remaining time). [10000]
 * - REDACT_EXTRA_PATTERNS: JSON array of extra regular-expression sources to redact, e.g. ["CUST-[0-9]{6}"]. An
 *   invalid value stops the function from starting rather than forward unredacted. [none]
 * - LOG_LEVEL: the forwarder's own log level (DEBUG, INFO, WARN, ERROR). [INFO]
 */
import { ENV, positiveIntegerFrom } from '../pipeline/env-names';
import { createForwarderHandler } from '../pipeline/forwarder';
import { pipelineOptionsFrom, readForwarderConfig } from '../pipeline/forwarder-config';
import { createLogger, logLevelFrom } from '../pipeline/logger';
import { createSecretLoader } from '../pipeline/secrets';
import { createSentryDestination } from './destination';
import { createSentryTransport } from './sentry-transport';

/** Enough to see that a storm is happening and where; more is noise and quota. */
export const DEFAULT_MAX_EVENTS_PER_FINGERPRINT = 10;

const env = process.env;
const logger = createLogger({ service: 'sentry-forwarder', level: logLevelFrom(env.LOG_LEVEL) });
const config = readForwarderConfig(env, { environment: [ENV.sentryEnvironment, ENV.logsEnvironment] });
const maxEventsPerFingerprint = positiveIntegerFrom(env, ENV.maxEventsPerFingerprint, DEFAULT_MAX_EVENTS_PER_FINGERPRINT, (problem) => logger.warn(problem));
for (const warning of config.warnings) logger.warn(warning);
const secrets = createSecretLoader(env);

export const handler = createForwarderHandler(
  createSentryDestination({
    transport: createSentryTransport({ dsn: () => secrets.get('sentry-dsn'), concurrency: config.deliveryConcurrency, policy: config.retryPolicy }),
    maxEventsPerFingerprint,
    forwarderRelease: env[ENV.sentryRelease]?.trim() || undefined,
  }),
  pipelineOptionsFrom(config, logger),
);
