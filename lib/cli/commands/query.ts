import { closeMatches } from '../../queries/close-matches';
import { loadQueryLibrary } from '../../queries/library';
import { MAX_QUERY_RESULT_ROWS } from '../../queries/limits';
import { PARAMETER_PLACEHOLDER, QueryFile } from '../../queries/query-file';
import { queryShape } from '../../queries/query-shape';
import { groupsForQuery, splitIntoRuns } from '../../queries/scope';
import { CommandSpec, ParsedCommand, optionalNumber, optionalString, requireString } from '../args';
import { usageError } from '../cli-error';
import { awsTarget, loadEnvironment } from '../environment';
import { CliDeps, CliIo } from '../io';
import { renderJson, renderRows } from '../output';
import { formatBytes, runQuery } from '../query-runner';
import { DEFAULT_SINCE, resolveTimeRange } from '../time-range';

export const QUERY_COMMAND: CommandSpec = {
  name: 'query',
  summary: 'run a saved Logs Insights query on an environment and print the rows',
  usage: 'query <name> --env <env> [--since 1h | --start <time> [--end <time>]] [--service <name>] [--limit <n>] [--param key=value]',
  details: [
    '<name> is a file of queries/ (recent-errors, llm/top-users) or its display name; `logs-cli queries` lists them.',
    'The query runs on the same log groups as its saved definitions: the environment\'s groups of the types it targets, in parts of at most 50 groups. Parts run concurrently, are polled with backoff and merged in the query\'s sort order and limit; aggregates (stats) of a split query are per part. Progress goes to stderr for long runs; Ctrl-C stops the running queries.',
  ],
  options: {
    env: { type: 'string', valueName: '<env>', description: 'Environment (dev, staging, prod, ...).' },
    since: { type: 'string', valueName: '<duration>', description: `How far back: 30s, 15m, 1h, 7d, 2w (default ${DEFAULT_SINCE}).` },
    start: { type: 'string', valueName: '<time>', description: 'Start: ISO 8601 (2026-11-21T09:00:00Z) or epoch seconds.' },
    end: { type: 'string', valueName: '<time>', description: 'End (default now), with --start.' },
    service: { type: 'string', valueName: '<name>', description: 'Only groups of this resource (api, instance/atlantis-db) or service (ecs, rds).' },
    limit: { type: 'string', valueName: '<n>', description: `Rows to return at most (1-${MAX_QUERY_RESULT_ROWS}).` },
    param: { type: 'string', multiple: true, valueName: '<key=value>', description: 'Fills a {{key}} placeholder of the query.' },
  },
  formats: ['table', 'json', 'csv'],
  aws: true,
  maxPositionals: 1,
  examples: [
    'logs-cli query recent-errors --env prod --since 30m',
    'logs-cli query llm/cost-and-tokens-by-hour --env prod --since 7d --output csv > llm-cost.csv',
    'logs-cli query trace-request --env staging --since 1d --param request_id=req_01JD7Q6M8K3V',
    'logs-cli query error-rate-by-service --env prod --service api --start 2026-11-20T00:00:00Z --end 2026-11-21T00:00:00Z',
  ],
};

/** A query by file (`llm/top-users`, `top-users`) or display name, case-insensitive; unknown names list close matches. */
export function findQuery(library: readonly QueryFile[], input: string): QueryFile {
  const wanted = input.toLowerCase().replace(/\.query$/, '');
  const found = library.find((q) => q.id === wanted || q.slug === wanted || q.name.toLowerCase() === wanted);
  if (found) return found;
  const suggestions = closeMatches(input, [...library.map((q) => q.id), ...library.map((q) => q.slug)]);
  const unique = [...new Set(suggestions.map((s) => library.find((q) => q.id === s || q.slug === s)!.id))];
  throw usageError(
    `unknown query "${input}"${unique.length ? `; did you mean ${unique.join(', ')}?` : ''} (logs-cli queries lists them all)`,
  );
}

/** Fills `{{key}}` placeholders; values are escaped for a quoted string and may not break out of it. */
export function fillParameters(query: QueryFile, params: readonly string[]): string {
  const values = new Map<string, string>();
  for (const param of params) {
    const match = /^([a-z][a-z0-9_]*)=(.*)$/s.exec(param);
    if (!match) throw usageError(`--param must be key=value, got "${param}"`);
    if (!query.parameters.includes(match[1])) {
      throw usageError(`query ${query.id} has no parameter "${match[1]}"${query.parameters.length ? ` (it takes ${query.parameters.join(', ')})` : ''}`);
    }
    if (/[\r\n]/.test(match[2])) throw usageError(`--param ${match[1]} must be one line`);
    values.set(match[1], match[2]);
  }
  const missing = query.parameters.filter((p) => !values.has(p));
  if (missing.length) throw usageError(`query ${query.id} needs ${missing.map((p) => `--param ${p}=<value>`).join(' ')}`);
  return query.text.replace(PARAMETER_PLACEHOLDER, (_, key: string) => values.get(key)!.replace(/[\\"'`]/g, (c) => `\\${c}`));
}

export async function runQueryCommand(parsed: ParsedCommand, io: CliIo, deps: CliDeps): Promise<number> {
  const [name] = parsed.positionals;
  if (!name) throw usageError('logs-cli query needs a query name (logs-cli queries lists them)');
  const environment = loadEnvironment(requireString(parsed, 'env', QUERY_COMMAND), deps);
  const query = findQuery(loadQueryLibrary(), name);
  const queryString = fillParameters(query, (parsed.values.param as string[] | undefined) ?? []);
  const range = resolveTimeRange({ since: optionalString(parsed, 'since'), start: optionalString(parsed, 'start'), end: optionalString(parsed, 'end') }, deps.now());
  const limit = optionalNumber(parsed, 'limit', { min: 1, max: MAX_QUERY_RESULT_ROWS, integer: true });
  const service = optionalString(parsed, 'service');
  const groups = groupsForQuery(query, environment.logGroups, { service });
  if (groups.length === 0) {
    throw usageError(`environment ${environment.name} has no ${query.logTypes.join('/')} log group${service ? ` for service "${service}"` : ''}, so ${query.id} has nothing to run on`);
  }
  const target = awsTarget(environment, optionalString(parsed, 'region'), optionalString(parsed, 'profile'));
  const runs = splitIntoRuns(groups);
  const result = await runQuery(
    { queryString, runs, range, limit },
    {
      logs: deps.clients(target).logs,
      target,
      sleep: deps.sleep,
      now: () => deps.now().getTime(),
      progress: (line) => io.stderr.write(`${query.id}: ${line}\n`),
      signal: io.signal,
    },
  );

  if (parsed.output === 'json') {
    io.stdout.write(renderJson({
      query: query.id,
      name: query.name,
      environment: environment.name,
      region: target.region,
      start: new Date(range.start).toISOString(),
      end: new Date(range.end).toISOString(),
      logGroups: result.logGroups,
      parts: result.parts,
      statistics: result.statistics,
      rows: result.rows,
    }));
  } else {
    io.stdout.write(renderRows(result.rows, parsed.output));
  }
  const split = result.parts > 1 ? ` in ${result.parts} parts` : '';
  io.stderr.write(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'} · ${result.logGroups} log group${result.logGroups === 1 ? '' : 's'}${split} · ${formatBytes(result.statistics.bytesScanned)} scanned\n`);
  if (result.parts > 1 && queryShape(queryString).aggregates) {
    io.stderr.write('note: the groups were queried in parts of at most 50; each row aggregates one part, rows were not re-aggregated\n');
  }
  return 0;
}
