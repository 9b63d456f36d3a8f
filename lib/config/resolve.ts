import { ServiceEntry } from './catalogue';
import { ConfigError } from './config-error';
import {
  ContentPolicy,
  DEFAULT_REGION,
  EnvironmentConfig,
  ForwarderSizing,
  LangfuseForwarderConfig,
  PROJECT,
  SentryForwarderConfig,
} from './environment-config';
import { ENVIRONMENTS } from './environments';
import {
  LogType,
  RETENTION_TIERS,
  RetentionDays,
  Service,
  TYPES_BY_SERVICE,
  isCloudWatchRetention,
  isLogType,
  isService,
} from './log-types';
import { EnvironmentSecrets, readEnvironmentSecrets } from './secrets-file';
import { ResolvedArchive, resolveArchive } from '../archive/archive-config';
import {
  PlannedDataProtection,
  ResolvedDataProtection,
  planDataProtection,
  resolveDataProtection,
} from '../data-protection/data-protection-config';
import { ResolvedMonitoring, resolveMonitoring } from '../monitoring/monitoring-config';
import { MAX_LOG_GROUP_NAME_LENGTH, logGroupName, resourceNameProblem } from '../naming';
import type { RetainOrDestroy } from '../removal-policy';

/** CloudWatch Logs allows at most two subscription filters per log group. */
export const MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP = 2;
/** Lambda's limits on memory (MiB) and timeout (s). */
export const LAMBDA_MEMORY_RANGE = { min: 128, max: 10240 } as const;
export const LAMBDA_TIMEOUT_RANGE = { min: 1, max: 900 } as const;


/**
 * Whether a forwarder feeds a group. The `SentrySync` / `LangfuseSync` tags carry it and the subscriptions are
 * created from the same value, so the tag cannot say `enabled` without the subscription, nor the reverse.
 */
export type SyncState = 'enabled' | 'pending' | 'disabled';

/** A log group as this environment will have it. */
export interface PlannedLogGroup {
  readonly name: string;
  readonly service: Service;
  readonly resourceName: string;
  readonly type: LogType;
  readonly retentionDays: RetentionDays;
  /** Already exists in the account: referenced by name, not created (adopt with `cdk import`). */
  readonly existing: boolean;
  readonly exportEnabled: boolean;
  readonly sentry: SyncState;
  readonly langfuse: SyncState;
  /** Only for `application` groups forwarded to Sentry: a filter pattern keeps non-error lines out. */
  readonly sentryErrorLinesOnly: boolean;
  /** The data-protection policy to put on the group. @default - none (type not protected, or group `existing`) */
  readonly dataProtection?: PlannedDataProtection;
  /** CloudWatch's deletion protection (only on groups this project creates). @default false */
  readonly deletionProtection?: boolean;
}

export interface ResolvedSentry extends Required<Omit<SentryForwarderConfig, 'reservedConcurrency' | 'release'>> {
  readonly dsnCiphertext: string;
  readonly reservedConcurrency?: number;
  readonly release?: string;
}

export interface ResolvedLangfuse
  extends Required<Omit<LangfuseForwarderConfig, 'reservedConcurrency' | 'release' | 'publicKey'>> {
  readonly publicKey: string;
  readonly secretKeyCiphertext: string;
  readonly reservedConcurrency?: number;
  readonly release?: string;
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly account?: string;
  /** Tags every resource carries: Project, Environment, Owner, CostCenter, ManagedBy. */
  readonly tags: Readonly<Record<string, string>>;
  readonly removalPolicy: RetainOrDestroy;
  readonly terminationProtection: boolean;
  readonly logGroups: readonly PlannedLogGroup[];
  /** Where each group's name and ARN are published, e.g. `/central-logging/prod/log-groups`. */
  readonly ssmPrefix: string;
  readonly kmsKeyAlias: string;
  readonly retention: Readonly<Record<LogType, RetentionDays>>;
  readonly redactionPatterns: readonly string[];
  /** Present only when the DSN ciphertext exists: then the forwarder is deployed. */
  readonly sentry?: ResolvedSentry;
  /** Present only with a public key and the secret key's ciphertext. */
  readonly langfuse?: ResolvedLangfuse;
  /** The archive's settings (used when some group has `exportEnabled`). */
  readonly archive: ResolvedArchive;
  /** Which types carry a data-protection policy, and where findings go. */
  readonly dataProtection: ResolvedDataProtection;
  /** CloudWatch's deletion protection on the groups this project creates. */
  readonly logGroupDeletionProtection: boolean;
  /** Alarm subscribers and thresholds. */
  readonly monitoring: ResolvedMonitoring;
}

export interface ResolveOptions {
  /** @default - the shipped `ENVIRONMENTS` */
  readonly environments?: Readonly<Record<string, EnvironmentConfig>>;
  /** @default - read from `lib/config/secrets/<env>.json` */
  readonly secrets?: EnvironmentSecrets;
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const CONTENT_POLICIES: readonly ContentPolicy[] = ['full', 'redacted', 'hash', 'none'];

export function environmentNames(environments = ENVIRONMENTS): string[] {
  return Object.keys(environments);
}

/** Resolves and validates one environment; throws a `ConfigError` listing every problem. */
export function resolveEnvironment(name: string, options: ResolveOptions = {}): ResolvedEnvironment {
  const environments = options.environments ?? ENVIRONMENTS;
  const config = environments[name];
  if (!config) {
    throw new ConfigError([
      `unknown environment "${name}"; known environments: ${environmentNames(environments).join(', ')}`,
    ]);
  }
  const problems: string[] = [];
  const at = (what: string) => `${name}: ${what}`;
  if (!ENVIRONMENT_NAME.test(name)) {
    problems.push(at(`environment name "${name}" must be lower-case letters, digits and "-" (at most 16)`));
  }
  const region = config.region ?? DEFAULT_REGION;
  if (!REGION.test(region)) problems.push(at(`region "${region}" is not an AWS region name`));
  if (config.account !== undefined && !ACCOUNT_ID.test(config.account)) {
    problems.push(at(`account "${config.account}" must be 12 digits`));
  }

  const retention = resolveRetention(config, (p) => problems.push(at(p)));
  const exportTypes = new Set<string>(config.exportTypes ?? []);
  for (const type of exportTypes) {
    if (!isLogType(type)) problems.push(at(`exportTypes: unknown log type "${type}"`));
  }
  for (const pattern of config.redactionPatterns ?? []) {
    try {
      new RegExp(pattern);
    } catch (e) {
      problems.push(at(`redactionPatterns: "${pattern}" is not a valid regular expression (${(e as Error).message})`));
    }
  }

  const archive = resolveArchive(config.archive, (p) => problems.push(at(p)));
  const dataProtection = resolveDataProtection(config.dataProtection, region, (p) => problems.push(at(p)));
  const monitoring = resolveMonitoring(config.monitoring, (p) => problems.push(at(p)));
  const logGroupDeletionProtection = config.logGroupDeletionProtection ?? false;

  const secrets = options.secrets ?? readEnvironmentSecrets(name);
  const sentry = resolveSentry(config.sentry, secrets['sentry-dsn'], (p) => problems.push(at(p)));
  const langfuse = resolveLangfuse(config.langfuse, secrets['langfuse-secret-key'], (p) => problems.push(at(p)));

  const logGroups: PlannedLogGroup[] = [];
  const seen = new Map<string, number>();
  const context = { retention, exportTypes, sentry: !!sentry, langfuse: !!langfuse, dataProtection, logGroupDeletionProtection };
  config.services.forEach((entry, index) => {
    const where = `services[${index}] (${entry.service} "${entry.name}")`;
    for (const group of planEntry(entry, context, (p) => problems.push(at(`${where}: ${p}`)))) {
      const first = seen.get(group.name);
      if (first !== undefined) {
        problems.push(at(`${where}: duplicate log group "${group.name}" (also declared by services[${first}])`));
        continue;
      }
      seen.set(group.name, index);
      logGroups.push(group);
    }
  });

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    name,
    project: PROJECT,
    region,
    account: config.account,
    tags: {
      Project: PROJECT,
      Environment: name,
      Owner: config.owner,
      CostCenter: config.costCenter,
      ManagedBy: 'cdk',
    },
    removalPolicy: config.removalPolicy ?? 'retain',
    terminationProtection: config.terminationProtection ?? false,
    logGroups,
    ssmPrefix: `/${PROJECT}/${name}/log-groups`,
    kmsKeyAlias: `alias/${PROJECT}/${name}/logs`,
    retention,
    redactionPatterns: config.redactionPatterns ?? [],
    sentry,
    langfuse,
    archive,
    dataProtection,
    logGroupDeletionProtection,
    monitoring,
  };
}

/** Resolves every environment, collecting all problems (including collisions between environments) into one error. */
export function resolveAllEnvironments(options: ResolveOptions = {}): ResolvedEnvironment[] {
  const environments = options.environments ?? ENVIRONMENTS;
  const problems: string[] = [];
  const resolved: ResolvedEnvironment[] = [];
  for (const name of environmentNames(environments)) {
    try {
      resolved.push(resolveEnvironment(name, options));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  const placements = new Map<string, string>();
  for (const env of resolved) {
    if (!env.account) continue;
    const key = `${env.account}/${env.region}`;
    const other = placements.get(key);
    if (other) {
      problems.push(
        `${env.name}: shares account ${env.account} and region ${env.region} with ${other}; their log group names would collide (use one account per environment)`,
      );
    }
    placements.set(key, env.name);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

function resolveRetention(
  config: EnvironmentConfig,
  problem: (p: string) => void,
): Record<LogType, RetentionDays> {
  const retention: Record<LogType, RetentionDays> = { ...RETENTION_TIERS };
  for (const [type, days] of Object.entries(config.retentionOverrides ?? {})) {
    if (!isLogType(type)) {
      problem(`retentionOverrides: unknown log type "${type}"`);
    } else if (days === undefined || !isCloudWatchRetention(days)) {
      problem(`retentionOverrides.${type}: ${days} days is not a retention CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)`);
    } else {
      retention[type] = days;
    }
  }
  return retention;
}

interface PlanContext {
  readonly retention: Readonly<Record<LogType, RetentionDays>>;
  readonly exportTypes: ReadonlySet<string>;
  /** Whether each forwarder is deployed in this environment. */
  readonly sentry: boolean;
  readonly langfuse: boolean;
  readonly dataProtection: ResolvedDataProtection;
  readonly logGroupDeletionProtection: boolean;
}

function planEntry(entry: ServiceEntry, context: PlanContext, problem: (p: string) => void): PlannedLogGroup[] {
  if (!isService(entry.service)) {
    problem(`unknown service "${entry.service}"; known services: ecs, lambda, alb, rds`);
    return [];
  }
  const nameProblem = resourceNameProblem(entry.service, entry.name);
  if (nameProblem) problem(`name "${entry.name}" breaks the naming convention: ${nameProblem}`);
  if (entry.types.length === 0) problem('declares no log types');
  const external = entry.externalSubscriptionFilters ?? 0;
  if (!Number.isInteger(external) || external < 0) {
    problem(`externalSubscriptionFilters must be a whole number ≥ 0, got ${external}`);
  }
  for (const type of entry.existing ?? []) {
    if (!entry.types.includes(type)) problem(`existing lists "${type}", which is not among its types`);
  }
  if (entry.forwardApplicationErrors && !entry.types.includes('application')) {
    problem('forwardApplicationErrors is set but the entry has no "application" type');
  }

  const groups: PlannedLogGroup[] = [];
  const declared = new Set<string>();
  for (const type of entry.types) {
    if (!isLogType(type)) {
      problem(`unknown log type "${type}"; known types: ${Object.keys(RETENTION_TIERS).join(', ')}`);
      continue;
    }
    if (!TYPES_BY_SERVICE[entry.service].includes(type)) {
      problem(`log type "${type}" is not one of ${entry.service}'s: ${TYPES_BY_SERVICE[entry.service].join(', ')}`);
      continue;
    }
    if (declared.has(type)) {
      problem(`declares log type "${type}" twice`);
      continue;
    }
    declared.add(type);
    const name = logGroupName(entry.service, entry.name, type);
    if (name.length > MAX_LOG_GROUP_NAME_LENGTH) {
      problem(`log group name "${name}" is longer than CloudWatch's ${MAX_LOG_GROUP_NAME_LENGTH} characters`);
    }
    const sentryTarget =
      type === 'errors' || type === 'lambda' || (type === 'application' && !!entry.forwardApplicationErrors);
    const langfuseTarget = type === 'llm';
    const exportEnabled = context.exportTypes.has(type);
    const subscriptions = Number(sentryTarget) + Number(langfuseTarget) + Number(exportEnabled) + Math.max(0, external);
    if (subscriptions > MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP) {
      const who = [
        sentryTarget && 'Sentry',
        langfuseTarget && 'Langfuse',
        exportEnabled && 'archive',
        external > 0 && `${external} external`,
      ].filter(Boolean);
      problem(
        `log group "${name}" would need ${subscriptions} subscription filters (${who.join(' + ')}); CloudWatch allows ${MAX_SUBSCRIPTION_FILTERS_PER_LOG_GROUP}`,
      );
    }
    const existing = (entry.existing ?? []).includes(type);
    groups.push({
      name,
      service: entry.service,
      resourceName: entry.name,
      type,
      retentionDays: context.retention[type],
      existing,
      exportEnabled,
      sentry: syncState(sentryTarget, context.sentry),
      langfuse: syncState(langfuseTarget, context.langfuse),
      sentryErrorLinesOnly: type === 'application',
      dataProtection: planDataProtection(context.dataProtection, type, existing),
      deletionProtection: context.logGroupDeletionProtection && !existing,
    });
  }
  return groups;
}

function syncState(target: boolean, forwarderDeployed: boolean): SyncState {
  if (!target) return 'disabled';
  return forwarderDeployed ? 'enabled' : 'pending';
}

function resolveSizing(sizing: ForwarderSizing | undefined, what: string, problem: (p: string) => void) {
  const memoryMiB = sizing?.memoryMiB ?? 256;
  const timeoutSeconds = sizing?.timeoutSeconds ?? 60;
  if (!Number.isInteger(memoryMiB) || memoryMiB < LAMBDA_MEMORY_RANGE.min || memoryMiB > LAMBDA_MEMORY_RANGE.max) {
    problem(`${what}.memoryMiB must be ${LAMBDA_MEMORY_RANGE.min}–${LAMBDA_MEMORY_RANGE.max}, got ${memoryMiB}`);
  }
  if (
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < LAMBDA_TIMEOUT_RANGE.min ||
    timeoutSeconds > LAMBDA_TIMEOUT_RANGE.max
  ) {
    problem(`${what}.timeoutSeconds must be ${LAMBDA_TIMEOUT_RANGE.min}–${LAMBDA_TIMEOUT_RANGE.max}, got ${timeoutSeconds}`);
  }
  const reserved = sizing?.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1)) {
    problem(`${what}.reservedConcurrency must be a whole number ≥ 1, got ${reserved}`);
  }
  return { memoryMiB, timeoutSeconds, reservedConcurrency: reserved };
}

function resolveSentry(
  config: SentryForwarderConfig | undefined,
  dsnCiphertext: string | undefined,
  problem: (p: string) => void,
): ResolvedSentry | undefined {
  const sizing = resolveSizing(config, 'sentry', problem);
  const maxEventsPerFingerprint = config?.maxEventsPerFingerprint ?? 10;
  if (!Number.isInteger(maxEventsPerFingerprint) || maxEventsPerFingerprint < 1) {
    problem(`sentry.maxEventsPerFingerprint must be a whole number ≥ 1, got ${maxEventsPerFingerprint}`);
  }
  if (!dsnCiphertext) return undefined;
  return { ...sizing, maxEventsPerFingerprint, release: config?.release, dsnCiphertext };
}

function resolveLangfuse(
  config: LangfuseForwarderConfig | undefined,
  secretKeyCiphertext: string | undefined,
  problem: (p: string) => void,
): ResolvedLangfuse | undefined {
  if (!config) return undefined;
  const sizing = resolveSizing(config, 'langfuse', problem);
  const contentPolicy = config.contentPolicy ?? 'redacted';
  if (!CONTENT_POLICIES.includes(contentPolicy)) {
    problem(`langfuse.contentPolicy must be one of ${CONTENT_POLICIES.join(', ')}, got "${contentPolicy}"`);
  }
  if (config.publicKey !== undefined && !/^pk-lf-[A-Za-z0-9-]+$/.test(config.publicKey)) {
    problem(`langfuse.publicKey must look like "pk-lf-…", got "${config.publicKey}"`);
  }
  const baseUrl = config.baseUrl ?? 'https://cloud.langfuse.com';
  if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(baseUrl)) {
    problem(`langfuse.baseUrl must be an https:// URL, got "${baseUrl}"`);
  }
  if (!secretKeyCiphertext || !config.publicKey) return undefined;
  return { ...sizing, publicKey: config.publicKey, baseUrl, contentPolicy, release: config.release, secretKeyCiphertext };
}
