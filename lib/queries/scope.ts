import { PlannedLogGroup } from '../config/resolve';
import { savedNameProblems } from './lint';
import { MAX_LOG_GROUPS_PER_QUERY } from './limits';
import { QueryFile } from './query-file';

/** Narrows which of an environment's groups a run covers (the CLI's `--service`). */
export interface GroupFilter {
  /**
   * Keep groups whose resource name (`api`, `instance/atlantis-db`) or service (`ecs`, `rds`) equals this.
   * @default - every group of the targeted types
   */
  readonly service?: string;
}

/**
 * The names of the groups a query runs on in one environment: every group whose type the query targets, sorted by
 * name. The construct and the CLI both call this, so a saved query and `logs-cli query` see the same groups.
 */
export function groupsForQuery(query: Pick<QueryFile, 'logTypes'>, groups: readonly PlannedLogGroup[], filter: GroupFilter = {}): string[] {
  return groups
    .filter((g) => query.logTypes.includes(g.type))
    .filter((g) => filter.service === undefined || g.resourceName === filter.service || g.service === filter.service)
    .map((g) => g.name)
    .sort();
}

/**
 * Splits group names into runs of at most 50, the most one StartQuery (and one saved definition) accepts. Runs are
 * filled in name order, so adding a group changes at most the runs after it, and a definition's logical id (its
 * part number) stays put.
 */
export function splitIntoRuns(names: readonly string[], maxPerRun: number = MAX_LOG_GROUPS_PER_QUERY): string[][] {
  if (!Number.isInteger(maxPerRun) || maxPerRun < 1 || maxPerRun > MAX_LOG_GROUPS_PER_QUERY) {
    throw new Error(`maxPerRun must be a whole number from 1 to ${MAX_LOG_GROUPS_PER_QUERY}, got ${maxPerRun}`);
  }
  const runs: string[][] = [];
  for (let i = 0; i < names.length; i += maxPerRun) runs.push(names.slice(i, i + maxPerRun));
  return runs;
}

/** Where a query sits in the console: `<project>/<env>/<folder>/<name>`, plus `(part i of n)` when split. */
export function savedQueryName(project: string, environment: string, query: Pick<QueryFile, 'folder' | 'name'>, part = 1, parts = 1): string {
  const path = [project, environment, query.folder, query.name].filter((segment) => segment !== '').join('/');
  return parts > 1 ? `${path} (part ${part} of ${parts})` : path;
}

/** One saved definition to create: a query scoped to at most 50 groups. */
export interface PlannedDefinition {
  readonly query: QueryFile;
  readonly name: string;
  readonly logGroupNames: readonly string[];
  /** 1-based. */
  readonly part: number;
  readonly parts: number;
}

/**
 * Every definition an environment gets: one per query and run of ≤ 50 groups. A query whose types have no group
 * in the environment gets none (a saved query with no groups would run on whatever the console had selected).
 * Throws, naming the value, when a name would break CloudWatch's rules.
 */
export function planDefinitions(project: string, environment: string, queries: readonly QueryFile[], groups: readonly PlannedLogGroup[]): PlannedDefinition[] {
  return queries.flatMap((query) => {
    const runs = splitIntoRuns(groupsForQuery(query, groups));
    return runs.map((logGroupNames, index) => {
      const name = savedQueryName(project, environment, query, index + 1, runs.length);
      const problems = savedNameProblems(name);
      if (problems.length > 0) throw new Error(`saved query name "${name}" is refused by CloudWatch: ${problems.join('; ')}`);
      return { query, name, logGroupNames, part: index + 1, parts: runs.length };
    });
  });
}
