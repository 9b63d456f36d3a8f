import { LOG_TYPES } from '../../lib/config/log-types';
import { ParsedLogGroupName, parseLogGroupName } from '../../lib/naming';
import { boundedMemo } from './bounded-memo';

/**
 * A log group's name read back into its parts (`/aws/<platform>/<resource-name>/<type>`), once per container: a
 * batch comes from one group, so this is a cache hit for every event after the first. Both forwarders read it.
 */
export const logGroupParts: (logGroup: string) => ParsedLogGroupName | undefined = boundedMemo((logGroup: string) =>
  parseLogGroupName(logGroup, LOG_TYPES),
);

/**
 * The service (application) a group belongs to when the line does not say: the resource name of a conventional
 * group (`/aws/ecs/api/llm` → `api`, as the catalogue's `name` and the LLM schema's `service`), else the group name.
 */
export function serviceOfLogGroup(logGroup: string): string {
  return logGroupParts(logGroup)?.resourceName ?? logGroup;
}
