/** The S3 storage classes the archive may move objects to once they are rarely read. */
export const ARCHIVE_STORAGE_CLASSES = ['GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
export type ArchiveStorageClass = (typeof ARCHIVE_STORAGE_CLASSES)[number];

/** S3 Object Lock accepts a default retention of 1 day to 100 years. */
export const MAX_OBJECT_LOCK_YEARS = 100;
/** Days per year for Object Lock: a leap-year average, so "7 years" always covers 7 calendar years. */
const DAYS_PER_YEAR = 365.25;

/** The archive of groups tagged `ExportEnabled=true` (the environment's `exportTypes`). */
export interface ArchiveConfig {
  /**
   * Years every archived object is locked in compliance mode: nobody, the root user included, can delete or
   * overwrite it sooner. Financial records commonly need 7.
   * @default 7
   */
  readonly retentionYears?: number;
  /** Days after which objects move to `storageClass`. @default 90 */
  readonly transitionAfterDays?: number;
  /** The colder storage class. @default 'DEEP_ARCHIVE' */
  readonly storageClass?: ArchiveStorageClass;
  /**
   * Delete objects once their lock has run out (keep nothing longer than needed: GDPR's storage limitation).
   * @default true
   */
  readonly expireAfterRetention?: boolean;
}

export interface ResolvedArchive {
  readonly retentionYears: number;
  /** `retentionYears` in days, rounded up over leap years (what Object Lock and the lifecycle are given). */
  readonly retentionDays: number;
  readonly transitionAfterDays: number;
  readonly storageClass: ArchiveStorageClass;
  readonly expireAfterRetention: boolean;
}

/** Resolves and validates the block; each problem goes to `problem`, prefixed `archive.`. */
export function resolveArchive(config: ArchiveConfig | undefined, problem: (p: string) => void): ResolvedArchive {
  const retentionYears = config?.retentionYears ?? 7;
  const transitionAfterDays = config?.transitionAfterDays ?? 90;
  const storageClass = config?.storageClass ?? 'DEEP_ARCHIVE';
  if (!Number.isInteger(retentionYears) || retentionYears < 1 || retentionYears >= MAX_OBJECT_LOCK_YEARS) {
    problem(`archive.retentionYears must be a whole number from 1 to ${MAX_OBJECT_LOCK_YEARS - 1}, got ${retentionYears}`);
  }
  const retentionDays = Math.ceil(retentionYears * DAYS_PER_YEAR);
  if (!Number.isInteger(transitionAfterDays) || transitionAfterDays < 0 || transitionAfterDays >= retentionDays) {
    problem(`archive.transitionAfterDays must be a whole number ≥ 0 and below the retention (${retentionDays} days), got ${transitionAfterDays}`);
  }
  if (!ARCHIVE_STORAGE_CLASSES.includes(storageClass)) {
    problem(`archive.storageClass must be one of ${ARCHIVE_STORAGE_CLASSES.join(', ')}, got "${storageClass}"`);
  }
  return {
    retentionYears,
    retentionDays,
    transitionAfterDays,
    storageClass,
    expireAfterRetention: config?.expireAfterRetention ?? true,
  };
}
