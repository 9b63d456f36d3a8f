import { ResolvedEnvironment } from '../config/resolve';
import { ENV } from '../../lambda/pipeline/env-names';
import { sentryFilterPatternFor } from './filter-patterns';
import { forwarderCode } from './forwarder-code';
import { ForwarderSpec, sharedForwarderEnvironment } from './forwarder-spec';

/**
 * Sentry drops an event whose `event_id` it has already stored, and the forwarder derives that id from the log
 * group, stream and CloudWatch event id. Re-running a crashed invocation therefore cannot double an event, and
 * Lambda's two retries recover a transient crash (e.g. SQS briefly refusing a park) without an operator.
 */
export const SENTRY_ASYNC_RETRY_ATTEMPTS = 2;

/**
 * The Sentry forwarder of an environment, or undefined when the DSN's ciphertext is not configured (then every group
 * it would feed says `SentrySync=pending`). Fed by every `errors` group (all events), opted-in `application` groups
 * (error-level lines) and Lambda runtime groups (runtime failures).
 */
export function sentryForwarderSpec(environment: ResolvedEnvironment): ForwarderSpec | undefined {
  const sentry = environment.sentry;
  if (!sentry) return undefined;
  return {
    destination: 'sentry',
    code: forwarderCode('sentry'),
    sizing: sentry,
    environmentVariables: {
      ...sharedForwarderEnvironment(environment),
      [ENV.sentryEnvironment]: environment.name,
      ...(sentry.release ? { [ENV.sentryRelease]: sentry.release } : {}),
      [ENV.maxEventsPerFingerprint]: String(sentry.maxEventsPerFingerprint),
    },
    secrets: [{ purpose: 'sentry-dsn', ciphertextBase64: sentry.dsnCiphertext }],
    retryAttempts: SENTRY_ASYNC_RETRY_ATTEMPTS,
    syncOf: (group) => group.sentry,
    filterPatternFor: sentryFilterPatternFor,
  };
}
