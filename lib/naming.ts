import { LogType, Service } from './config/log-types';

/**
 * Log-group names: `/aws/<service>/<resource-name>/<log-type>`, and `/aws/lambda/<function>` for a Lambda runtime's
 * own group. Lower-case only, so a name written by hand in a task definition can never differ by case.
 */

/** CloudWatch Logs limit on a log-group name. */
export const MAX_LOG_GROUP_NAME_LENGTH = 512;

/** One name segment: lower-case letters, digits, `-`, `_` and `.`, starting with a letter or digit. */
const SEGMENT = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * RDS publishes to `/aws/rds/instance/<db>/<log>` and `/aws/rds/cluster/<cluster>/<log>`; the resource name of an
 * RDS entry therefore carries that one extra segment, so the group we create is the one RDS writes to.
 */
const RDS_RESOURCE = /^(instance|cluster)\/[a-z0-9][a-z0-9-]*$/;

export function logGroupName(service: Service, resourceName: string, type: LogType): string {
  if (service === 'lambda' && type === 'lambda') return `/aws/lambda/${resourceName}`;
  return `/aws/${service}/${resourceName}/${type}`;
}

/** Why a resource name breaks the convention, or undefined when it is fine. */
export function resourceNameProblem(service: Service, resourceName: string): string | undefined {
  if (service === 'rds') {
    return RDS_RESOURCE.test(resourceName)
      ? undefined
      : `must be "instance/<db-identifier>" or "cluster/<cluster-identifier>" in lower case (where RDS publishes)`;
  }
  return SEGMENT.test(resourceName)
    ? undefined
    : 'must be lower-case letters, digits, "-", "_" or ".", starting with a letter or digit, with no "/"';
}

export interface ParsedLogGroupName {
  readonly service: string;
  readonly resourceName: string;
  /** Undefined when the name is not one of ours (it may still be a valid CloudWatch name). */
  readonly type?: LogType;
}

/**
 * Reads a name back into its parts; returns undefined for a name outside `/aws/`. Used by the audit to tell
 * conventional groups from strays such as an old implicit `/aws/ecs/atlantis-prod`.
 */
export function parseLogGroupName(name: string, knownTypes: readonly LogType[]): ParsedLogGroupName | undefined {
  const match = /^\/aws\/([^/]+)\/(.+)$/.exec(name);
  if (!match) return undefined;
  const [, service, rest] = match;
  const lastSlash = rest.lastIndexOf('/');
  const tail = lastSlash >= 0 ? rest.slice(lastSlash + 1) : undefined;
  if (tail && (knownTypes as readonly string[]).includes(tail)) {
    return { service, resourceName: rest.slice(0, lastSlash), type: tail as LogType };
  }
  if (service === 'lambda' && !rest.includes('/')) return { service, resourceName: rest, type: 'lambda' };
  return { service, resourceName: rest };
}
