/**
 * CloudWatch Logs and KMS prices per region, in USD, Standard log class, first pricing tier (ingestion gets cheaper
 * only past 10 TB a month). Storage is billed on the compressed bytes CloudWatch keeps.
 *
 * Sources, checked 2026-11-21:
 * - https://aws.amazon.com/cloudwatch/pricing/ (Logs: "Collect (Data Ingestion)", "Store (Archival)", "Analyze
 *   (Logs Insights queries)", per region)
 * - https://aws.amazon.com/kms/pricing/ ($1 per customer managed key per month, every region)
 * - ap-northeast-2 as given in the design doc, and corroborated: storage $0.0314/GB (dev.classmethod.jp,
 *   "CloudWatch에 저장하는 로그의 비용 줄이기", 2023-11-17, Seoul); ap-northeast-1 $0.76 / $0.033 / $0.0076
 *   (awsi.click, "Why CloudWatch Logs costs more than you expect").
 * A region missing here makes `logs-cli cost` stop rather than guess: add a row with its source.
 */
export interface RegionPrices {
  /** Per GB ingested. */
  readonly ingestionPerGb: number;
  /** Per GB-month stored (archived). */
  readonly storagePerGbMonth: number;
  /** Per GB of log data scanned by Logs Insights queries. */
  readonly insightsPerGbScanned: number;
  /** Per customer managed KMS key and month (key rotation included). */
  readonly kmsKeyPerMonth: number;
}

export const CLOUDWATCH_PRICES: Readonly<Record<string, RegionPrices>> = {
  'ap-northeast-2': { ingestionPerGb: 0.76, storagePerGbMonth: 0.0314, insightsPerGbScanned: 0.0076, kmsKeyPerMonth: 1 },
  'ap-northeast-1': { ingestionPerGb: 0.76, storagePerGbMonth: 0.033, insightsPerGbScanned: 0.0076, kmsKeyPerMonth: 1 },
  'us-east-1': { ingestionPerGb: 0.5, storagePerGbMonth: 0.03, insightsPerGbScanned: 0.005, kmsKeyPerMonth: 1 },
};

export const pricedRegions = (): string[] => Object.keys(CLOUDWATCH_PRICES).sort();
