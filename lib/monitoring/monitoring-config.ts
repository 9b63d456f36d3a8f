/**
 * Alarm thresholds, each with its default. Every row of the alarm table reads one of these keys, so a threshold is
 * tuned per environment in config and never in code.
 */
export const DEFAULT_ALARM_THRESHOLDS = {
  /** Input (prompt) tokens of a single LLM request. */
  promptTokensPerRequest: 100_000,
  /** p95 latency of LLM calls over 5 minutes, in milliseconds. */
  latencyP95Ms: 30_000,
  /** Share of failed LLM calls over 5 minutes, in percent… */
  errorRatePercent: 10,
  /** …counted only once the 5 minutes hold at least this many calls. */
  errorRateMinimumCalls: 100,
  /** LLM spend per hour in USD (the environment's budget). */
  hourlyCostUsd: 50,
  /** LLM calls of one user in one minute. */
  callsPerUserPerMinute: 100,
  /** Static ceiling on the events of one `errors` group per 5 minutes. */
  errorEventsPerFiveMinutes: 1_000,
  /** Width of the anomaly band on `errors` groups, in standard deviations. */
  errorAnomalyStdDevs: 3,
  /** Age of the oldest message in a forwarder's retry queue, in minutes. */
  retryQueueAgeMinutes: 15,
  /** Age of the oldest record the archive's Firehose has not yet written to S3, in minutes. */
  archiveDeliveryDelayMinutes: 60,
} as const;

export type AlarmThresholdName = keyof typeof DEFAULT_ALARM_THRESHOLDS;
export type AlarmThresholds = { readonly [K in AlarmThresholdName]: number };

/** The bounds each threshold must respect; `integer` for counts. */
const THRESHOLD_RULES: Readonly<Record<AlarmThresholdName, { readonly min: number; readonly max?: number; readonly integer?: boolean }>> = {
  promptTokensPerRequest: { min: 1, integer: true },
  latencyP95Ms: { min: 1 },
  errorRatePercent: { min: 0.01, max: 100 },
  errorRateMinimumCalls: { min: 1, integer: true },
  hourlyCostUsd: { min: 0.01 },
  callsPerUserPerMinute: { min: 1, integer: true },
  errorEventsPerFiveMinutes: { min: 1, integer: true },
  errorAnomalyStdDevs: { min: 0.1, max: 10 },
  retryQueueAgeMinutes: { min: 1, integer: true },
  archiveDeliveryDelayMinutes: { min: 1, integer: true },
};

/** An environment's alarms: who hears them and when they fire. */
export interface MonitoringConfig {
  /** E-mail addresses subscribed to the alarm topic (each confirms once). @default - none */
  readonly alarmEmails?: readonly string[];
  /**
   * HTTPS endpoints subscribed to the alarm topic (e.g. a paging service's SNS endpoint). The URL is written into the
   * template and into git: it must not carry credentials (user:password@ is refused; keep tokens out of the query).
   * @default - none
   */
  readonly alarmHttpsEndpoints?: readonly string[];
  /** Thresholds replacing the defaults of `DEFAULT_ALARM_THRESHOLDS`. @default - the defaults */
  readonly thresholds?: Partial<Record<AlarmThresholdName, number>>;
}

export interface ResolvedMonitoring {
  readonly alarmEmails: readonly string[];
  readonly alarmHttpsEndpoints: readonly string[];
  readonly thresholds: AlarmThresholds;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HTTPS_URL = /^https:\/\/[^\s/@]+(\/\S*)?$/;

/** Resolves and validates the block; each problem goes to `problem`, prefixed `monitoring.`. */
export function resolveMonitoring(config: MonitoringConfig | undefined, problem: (p: string) => void): ResolvedMonitoring {
  const thresholds: Record<string, number> = { ...DEFAULT_ALARM_THRESHOLDS };
  for (const [name, value] of Object.entries(config?.thresholds ?? {})) {
    const rule = (THRESHOLD_RULES as Readonly<Record<string, (typeof THRESHOLD_RULES)[AlarmThresholdName]>>)[name];
    if (!rule) {
      problem(`monitoring.thresholds: unknown threshold "${name}"; known: ${Object.keys(DEFAULT_ALARM_THRESHOLDS).join(', ')}`);
      continue;
    }
    const bad =
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < rule.min ||
      (rule.max !== undefined && value > rule.max) ||
      (rule.integer === true && !Number.isInteger(value));
    if (bad) {
      const range = rule.max !== undefined ? `${rule.min}–${rule.max}` : `≥ ${rule.min}`;
      problem(`monitoring.thresholds.${name} must be ${rule.integer ? 'a whole number ' : ''}${range}, got ${value}`);
      continue;
    }
    thresholds[name] = value;
  }
  const alarmEmails = config?.alarmEmails ?? [];
  for (const email of alarmEmails) {
    if (!EMAIL.test(email)) problem(`monitoring.alarmEmails: "${email}" is not an e-mail address`);
  }
  const alarmHttpsEndpoints = config?.alarmHttpsEndpoints ?? [];
  for (const url of alarmHttpsEndpoints) {
    if (!HTTPS_URL.test(url)) problem(`monitoring.alarmHttpsEndpoints: "${url}" must be an https:// URL without credentials`);
  }
  return { alarmEmails, alarmHttpsEndpoints, thresholds: thresholds as AlarmThresholds };
}
