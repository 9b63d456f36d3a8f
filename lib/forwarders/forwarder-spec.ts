import { PlannedLogGroup, ResolvedEnvironment, SyncState } from '../config/resolve';
import { ENV } from '../../lambda/pipeline/env-names';
import { ForwarderDestination } from './forwarder-names';
import { ForwarderCode, ForwarderSizingProps } from './log-forwarder';
import { ForwarderSecret } from './forwarder-secrets';

/**
 * Everything that differs between the Sentry and the Langfuse forwarder, as data: the factories return one of these
 * and the same construct and subscription code deploy either.
 */
export interface ForwarderSpec {
  readonly destination: ForwarderDestination;
  readonly code: ForwarderCode;
  readonly sizing: ForwarderSizingProps;
  /** The destination's settings; never a secret. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly secrets: readonly ForwarderSecret[];
  /** Lambda's retries of a crashed asynchronous invocation: safe only when the destination drops duplicates. */
  readonly retryAttempts: number;
  /** The group's plan for this destination: a subscription exists exactly where this says `enabled`. */
  readonly syncOf: (group: PlannedLogGroup) => SyncState;
  /** The subscription's filter pattern for a group it feeds. */
  readonly filterPatternFor: (group: PlannedLogGroup) => string;
}

/** Settings both forwarders read: the environment's name and its extra redaction patterns. */
export function sharedForwarderEnvironment(environment: ResolvedEnvironment): Record<string, string> {
  return {
    [ENV.logsEnvironment]: environment.name,
    [ENV.redactExtraPatterns]: JSON.stringify(environment.redactionPatterns),
  };
}
