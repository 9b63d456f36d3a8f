import { PlannedLogGroup } from '../../config/resolve';
import { RegionPrices } from './prices';

/** 365 / 12: the average month the prices are quoted for. */
export const DAYS_PER_MONTH = 365 / 12;

/** How much each group ingests per day, in GB. */
export type VolumePlan = (group: PlannedLogGroup) => number;

export interface CostInputs {
  readonly groups: readonly PlannedLogGroup[];
  readonly prices: RegionPrices;
  readonly gbPerDay: VolumePlan;
  /** GB Logs Insights scans a month. */
  readonly scannedGbPerMonth: number;
  /** The one retention the tiers are compared with. */
  readonly uniformRetentionDays: number;
  /** Customer managed keys: one per environment. */
  readonly kmsKeys: number;
}

export interface TypeCost {
  readonly type: string;
  readonly groups: number;
  readonly gbPerDay: number;
  readonly retentionDays: number;
  readonly ingestion: number;
  /** Steady-state storage once the retention window is full. */
  readonly storage: number;
  readonly storageUniform: number;
}

export interface CostEstimate {
  readonly byType: readonly TypeCost[];
  readonly ingestion: number;
  readonly storage: number;
  readonly insights: number;
  readonly kms: number;
  readonly total: number;
  readonly storageUniform: number;
  readonly totalUniform: number;
  /** What tiering saves a month against the uniform retention (negative when the tiers keep more). */
  readonly saving: number;
}

/**
 * A monthly estimate at steady state: ingestion = GB/day × days in a month × price; storage = GB/day × retention
 * days × price per GB-month (the stored volume once the retention window is full, before CloudWatch's compression,
 * so an upper bound); Logs Insights = GB scanned × price; KMS = keys × price. The same groups with one uniform
 * retention give the comparison.
 */
export function estimateMonthlyCost(inputs: CostInputs): CostEstimate {
  const { prices } = inputs;
  const byTypeMap = new Map<string, { groups: number; gbPerDay: number; retentionDays: Set<number>; storedGb: number }>();
  for (const group of inputs.groups) {
    const daily = inputs.gbPerDay(group);
    const entry = byTypeMap.get(group.type) ?? { groups: 0, gbPerDay: 0, retentionDays: new Set<number>(), storedGb: 0 };
    entry.groups += 1;
    entry.gbPerDay += daily;
    entry.retentionDays.add(group.retentionDays);
    entry.storedGb += daily * group.retentionDays;
    byTypeMap.set(group.type, entry);
  }
  const byType: TypeCost[] = [...byTypeMap.entries()]
    .map(([type, e]) => ({
      type,
      groups: e.groups,
      gbPerDay: e.gbPerDay,
      retentionDays: Math.max(...e.retentionDays),
      ingestion: e.gbPerDay * DAYS_PER_MONTH * prices.ingestionPerGb,
      storage: e.storedGb * prices.storagePerGbMonth,
      storageUniform: e.gbPerDay * inputs.uniformRetentionDays * prices.storagePerGbMonth,
    }))
    .sort((a, b) => a.type.localeCompare(b.type));
  const sum = (pick: (t: TypeCost) => number) => byType.reduce((total, t) => total + pick(t), 0);
  const ingestion = sum((t) => t.ingestion);
  const storage = sum((t) => t.storage);
  const storageUniform = sum((t) => t.storageUniform);
  const insights = inputs.scannedGbPerMonth * prices.insightsPerGbScanned;
  const kms = inputs.kmsKeys * prices.kmsKeyPerMonth;
  const total = ingestion + storage + insights + kms;
  const totalUniform = ingestion + storageUniform + insights + kms;
  return { byType, ingestion, storage, insights, kms, total, storageUniform, totalUniform, saving: totalUniform - total };
}
