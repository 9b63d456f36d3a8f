import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PlannedLogGroup } from '../config/resolve';
import { ForwarderDestination } from '../forwarders/forwarder-names';
import { PlannedUserBurstRule } from './user-burst-rules';

/** What the forwarder-health alarms watch of one forwarder. */
export interface ForwarderHealthTarget {
  readonly destination: ForwarderDestination;
  readonly function: lambda.IFunction;
  /** The function's own log group, by name (descriptions name it without a cross-stack token). */
  readonly logGroupName: string;
  /** Where failed deliveries are parked for another try. */
  readonly retryQueue: sqs.IQueue;
  /** Where parked deliveries go after their last try: anything here is a log that did not arrive. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Lambda's own retries of a crashed invocation (0–2), as the forwarder is configured. */
  readonly retryAttempts: number;
}

/** The archive's delivery stream, for its delay alarm. */
export interface ArchiveHealthTarget {
  readonly deliveryStreamName: string;
  /** Where Firehose logs its delivery errors, by name. */
  readonly errorLogGroupName: string;
}

/** The environment's LLM traffic as a whole (its `llm` groups). */
export interface LlmTrafficTarget {
  readonly llmGroupNames: readonly string[];
}

/** The environment's `errors` groups as a whole (one anomaly model for all). */
export interface ErrorsTarget {
  readonly errorsGroupNames: readonly string[];
}

/** A Contributor Insights rule counting calls per user, with the token of its name. */
export interface UserBurstTarget {
  readonly plan: PlannedUserBurstRule;
  readonly ruleName: string;
}

/** What each scope of the alarm table watches; a row names its scope and gets that target. */
export interface AlarmTargets {
  readonly llm: LlmTrafficTarget;
  readonly userBurst: UserBurstTarget;
  readonly errors: ErrorsTarget;
  readonly errorsGroup: PlannedLogGroup;
  readonly forwarder: ForwarderHealthTarget;
  readonly archive: ArchiveHealthTarget;
}
export type AlarmScope = keyof AlarmTargets;
