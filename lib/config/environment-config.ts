import type { ArchiveConfig } from '../archive/archive-config';
import type { DataProtectionConfig } from '../data-protection/data-protection-config';
import type { MonitoringConfig } from '../monitoring/monitoring-config';
import { ServiceEntry } from './catalogue';
import { LogType } from './log-types';
import type { RetainOrDestroy } from '../removal-policy';

/** The project's name: console folders, SSM prefix, stack names and the `Project` tag derive from it. */
export const PROJECT = 'central-logging';
export const PROJECT_STACK_PREFIX = 'CentralLogging';
export const DEFAULT_REGION = 'ap-northeast-2';

/** Settings shared by both forwarder Lambdas. */
export interface ForwarderSizing {
  /** @default 256 */
  readonly memoryMiB?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default - no reserved concurrency (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
}

export interface SentryForwarderConfig extends ForwarderSizing {
  /** Events sent per fingerprint per invocation before the rest are counted as `suppressed`. @default 10 */
  readonly maxEventsPerFingerprint?: number;
  /** Sentry's `release`. @default - none, unless a log line carries one */
  readonly release?: string;
}

export type ContentPolicy = 'full' | 'redacted' | 'hash' | 'none';

export interface LangfuseForwarderConfig extends ForwarderSizing {
  /**
   * Langfuse public key (`pk-lf-…`): not a secret, but with the secret key it authenticates.
   * @default - none: the forwarder is not deployed (groups say `LangfuseSync=pending`)
   */
  readonly publicKey?: string;
  /** @default https://cloud.langfuse.com */
  readonly baseUrl?: string;
  /** What of prompts and responses leaves AWS. @default 'redacted' */
  readonly contentPolicy?: ContentPolicy;
  /** @default - none */
  readonly release?: string;
}

/** One deployment environment. Every optional field has the default named in its `@default`. */
export interface EnvironmentConfig {
  /**
   * The AWS account. Without it the stacks are account-agnostic (`${AWS::AccountId}`), so synth needs no
   * credentials; `cdk deploy` then uses the account of the credentials it runs with.
   * @default - account-agnostic
   */
  readonly account?: string;
  /** @default 'ap-northeast-2' */
  readonly region?: string;
  /** `Owner` tag: the team that answers for these logs. */
  readonly owner: string;
  /** `CostCenter` tag. */
  readonly costCenter: string;
  /** Retention per type, replacing the tier (only values CloudWatch accepts). @default - the tiers */
  readonly retentionOverrides?: Partial<Record<LogType, number>>;
  /** What CloudFormation does with stateful resources when they leave the stack. @default 'retain' */
  readonly removalPolicy?: RetainOrDestroy;
  /** @default false */
  readonly terminationProtection?: boolean;
  /** Types whose groups are archived (tag `ExportEnabled=true`). @default - none */
  readonly exportTypes?: readonly LogType[];
  /** The archive of `exportTypes` groups: S3 Object Lock retention and storage class. @default - defaults */
  readonly archive?: ArchiveConfig;
  /**
   * CloudWatch's log-group deletion protection on every group this project creates (DeleteLogGroup is refused
   * until it is turned off again).
   * @default false
   */
  readonly logGroupDeletionProtection?: boolean;
  /** Data-protection policies (audit and mask sensitive data). @default - `llm` and `audit` groups, defaults */
  readonly dataProtection?: DataProtectionConfig;
  /** Alarm subscribers and thresholds. @default - no subscribers, default thresholds */
  readonly monitoring?: MonitoringConfig;
  /** The service catalogue: which groups exist. */
  readonly services: readonly ServiceEntry[];
  /** Extra redaction patterns (regular-expression sources) both forwarders apply. @default - the built-in rules */
  readonly redactionPatterns?: readonly string[];
  /** The Sentry forwarder's settings; it is deployed only once the DSN ciphertext exists. @default - defaults */
  readonly sentry?: SentryForwarderConfig;
  /** The Langfuse forwarder; deployed only with a public key and the secret key's ciphertext. @default - defaults */
  readonly langfuse?: LangfuseForwarderConfig;
}
