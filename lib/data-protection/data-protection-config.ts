import { PROJECT } from '../config/environment-config';
import { LogType, isLogType } from '../config/log-types';
import { MANAGED_DATA_IDENTIFIERS, defaultDataIdentifiers } from './managed-identifiers';

/** Log types whose groups carry a data-protection policy unless the environment says otherwise. */
export const DEFAULT_PROTECTED_TYPES: readonly LogType[] = ['llm', 'audit'];

/**
 * Where every protected group of an environment sends its findings: an audit group that follows the convention
 * `/aws/<service>/<name>/<type>` with the project as service (one account per environment, so no env segment).
 */
export const DATA_PROTECTION_FINDINGS_LOG_GROUP = `/aws/${PROJECT}/data-protection/audit`;

/** An environment's data-protection settings (CloudWatch Logs data-protection policies). */
export interface DataProtectionConfig {
  /**
   * Log types whose groups get a policy that audits and masks sensitive data. `[]` turns data protection off.
   * @default ['llm', 'audit']
   */
  readonly types?: readonly LogType[];
  /**
   * Managed data identifiers (as CloudWatch names them, e.g. `EmailAddress`, `Ssn-US`) for every protected type.
   * @default - e-mail addresses, payment cards, AWS secret keys and private keys, plus the region's national ids
   */
  readonly identifiers?: readonly string[];
  /**
   * Per protected type, identifiers that replace `identifiers` for that type's groups.
   * @default - `identifiers` for every type
   */
  readonly identifiersByType?: Partial<Record<LogType, readonly string[]>>;
}

/** What a protected group is planned with. */
export interface PlannedDataProtection {
  /** Managed identifiers audited and masked, sorted. */
  readonly identifiers: readonly string[];
  /** The audit group its findings go to. */
  readonly findingsLogGroup: string;
}

export interface ResolvedDataProtection {
  /** The identifiers of each protected type; a type absent here is not protected. */
  readonly identifiersByType: Partial<Record<LogType, readonly string[]>>;
  readonly findingsLogGroup: string;
}

/** Resolves and validates the block; each problem goes to `problem`, prefixed `dataProtection.`. */
export function resolveDataProtection(
  config: DataProtectionConfig | undefined,
  region: string,
  problem: (p: string) => void,
): ResolvedDataProtection {
  const types = config?.types ?? DEFAULT_PROTECTED_TYPES;
  const checkIdentifiers = (where: string, identifiers: readonly string[]): readonly string[] => {
    if (identifiers.length === 0) problem(`${where} must name at least one identifier (or leave the type out of dataProtection.types)`);
    for (const name of identifiers) {
      if (!MANAGED_DATA_IDENTIFIERS.includes(name)) {
        problem(`${where}: "${name}" is not a CloudWatch Logs managed data identifier (e.g. ${MANAGED_DATA_IDENTIFIERS.slice(0, 4).join(', ')}, …)`);
      }
    }
    return [...new Set(identifiers)].sort();
  };

  for (const type of types) {
    if (!isLogType(type)) problem(`dataProtection.types: unknown log type "${type}"`);
  }
  const shared = checkIdentifiers('dataProtection.identifiers', config?.identifiers ?? defaultDataIdentifiers(region));
  const identifiersByType: Partial<Record<LogType, readonly string[]>> = {};
  for (const type of types) identifiersByType[type] = shared;
  for (const [type, identifiers] of Object.entries(config?.identifiersByType ?? {})) {
    if (!isLogType(type)) {
      problem(`dataProtection.identifiersByType: unknown log type "${type}"`);
    } else if (!types.includes(type)) {
      problem(`dataProtection.identifiersByType.${type} is set but "${type}" is not in dataProtection.types`);
    } else {
      identifiersByType[type] = checkIdentifiers(`dataProtection.identifiersByType.${type}`, identifiers ?? []);
    }
  }
  return { identifiersByType, findingsLogGroup: DATA_PROTECTION_FINDINGS_LOG_GROUP };
}

/** The plan of one group of `type`, or undefined when the type is not protected or the group is not ours to change. */
export function planDataProtection(
  resolved: ResolvedDataProtection,
  type: LogType,
  existing: boolean,
): PlannedDataProtection | undefined {
  const identifiers = resolved.identifiersByType[type];
  if (!identifiers || existing) return undefined;
  return { identifiers, findingsLogGroup: resolved.findingsLogGroup };
}
