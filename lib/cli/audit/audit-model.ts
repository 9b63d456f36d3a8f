/** A log group as the account has it (DescribeLogGroups, ListTagsForResource, DescribeSubscriptionFilters). */
export interface LiveLogGroup {
  readonly name: string;
  /** Without the `:*` suffix. */
  readonly arn: string;
  readonly kmsKeyId?: string;
  /** Absent: never expires. */
  readonly retentionInDays?: number;
  /** Fetched only for groups the environment plans. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly subscriptionFilters?: ReadonlyArray<{ readonly filterName?: string; readonly destinationArn?: string }>;
}

/** The environment's logs key as KMS describes it. */
export interface LiveKey {
  readonly alias: string;
  readonly arn?: string;
  readonly state?: string;
  readonly rotationEnabled?: boolean;
  /** Why it could not be read (not found, access denied). */
  readonly problem?: string;
}

export const FINDING_STATUSES = ['pass', 'fail', 'warn'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One check of one subject (a log group or the key): the evidence row of the report. */
export interface Finding {
  /** The log group name or the key alias. */
  readonly subject: string;
  readonly check: string;
  readonly status: FindingStatus;
  readonly expected: string;
  readonly actual: string;
  readonly note?: string;
}

export interface AuditReport {
  readonly environment: string;
  readonly account?: string;
  readonly region: string;
  readonly generatedAt: string;
  readonly key: LiveKey;
  readonly findings: readonly Finding[];
  /** Groups under `/aws/` that no environment's catalogue knows, and those another environment's catalogue does. */
  readonly unknownGroups: ReadonlyArray<{
    readonly name: string;
    readonly retention: string;
    readonly encrypted: boolean;
    readonly conventional: boolean;
    readonly note: string;
  }>;
  readonly summary: {
    readonly groupsPlanned: number;
    readonly checks: number;
    readonly passed: number;
    readonly failed: number;
    readonly warnings: number;
    readonly unknownGroups: number;
  };
}
