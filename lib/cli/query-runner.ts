import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  QueryStatistics,
  ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { compareResultValues, queryShape } from '../queries/query-shape';
import { awsCall } from './aws';
import { CliError } from './cli-error';
import { AwsTarget } from './io';
import { runPool } from './pool';
import { TimeRange } from './time-range';

/**
 * Logs Insights runs a limited number of queries at once per account (30 in most regions); a split query starts
 * at most this many parts together so that other people's queries still get a slot.
 */
export const MAX_CONCURRENT_PARTS = 5;
/** First wait before asking for results, growing by `POLL_BACKOFF` up to `MAX_POLL_INTERVAL_MS`. */
export const FIRST_POLL_MS = 250;
export const POLL_BACKOFF = 1.5;
export const MAX_POLL_INTERVAL_MS = 5_000;
/** Logs Insights gives up after 60 minutes; the CLI stops its queries sooner rather than leave a terminal hanging. */
export const QUERY_TIMEOUT_MS = 15 * 60_000;
/** Progress goes to stderr once a run takes longer than this, then at most this often. */
export const PROGRESS_AFTER_MS = 3_000;

const FINISHED_BADLY = new Set(['Failed', 'Cancelled', 'Timeout', 'Unknown']);

export type ResultRow = Readonly<Record<string, string>>;

export interface RunStatistics {
  readonly recordsMatched: number;
  readonly recordsScanned: number;
  readonly bytesScanned: number;
}

export interface QueryRunResult {
  readonly rows: readonly ResultRow[];
  readonly statistics: RunStatistics;
  readonly parts: number;
  readonly logGroups: number;
}

export interface QueryRunRequest {
  readonly queryString: string;
  /** Runs of ≤ 50 group names (see `splitIntoRuns`). */
  readonly runs: readonly (readonly string[])[];
  readonly range: TimeRange;
  /** Rows to keep at most, per part and after merging. @default - the query's own `limit`, else Logs Insights' */
  readonly limit?: number;
}

export interface QueryRunnerDeps {
  readonly logs: CloudWatchLogsClient;
  readonly target: AwsTarget;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** One line of progress for stderr. */
  readonly progress: (line: string) => void;
  readonly signal?: AbortSignal;
}

interface PartState {
  queryId?: string;
  status: string;
  statistics?: QueryStatistics;
  rows?: ResultRow[];
}

/**
 * Runs a query over runs of ≤ 50 log groups: starts the parts (a few at a time), polls each with backoff until it
 * completes, then merges their rows in the query's own sort order and limit. On Ctrl-C or timeout every running
 * part is stopped, so nothing keeps scanning (and billing) after the CLI has gone.
 */
export async function runQuery(request: QueryRunRequest, deps: QueryRunnerDeps): Promise<QueryRunResult> {
  const parts: PartState[] = request.runs.map(() => ({ status: 'Pending' }));
  const started = deps.now();
  let lastProgress = started;
  const report = (): void => {
    const now = deps.now();
    if (now - started < PROGRESS_AFTER_MS || now - lastProgress < PROGRESS_AFTER_MS) return;
    lastProgress = now;
    deps.progress(progressLine(parts, now - started));
  };

  // Stops every part's polling when one part fails or the user presses Ctrl-C.
  const halt = new AbortController();
  const interrupt = (): void => halt.abort();
  deps.signal?.addEventListener('abort', interrupt);
  const checkHalted = (): void => {
    if (deps.signal?.aborted) throw new CliError('interrupted: the running queries were stopped');
    if (halt.signal.aborted) throw new CliError('stopped because another part failed');
  };

  const runPart = async (index: number): Promise<void> => {
    const part = parts[index];
    const groups = request.runs[index];
    const what = request.runs.length > 1 ? `part ${index + 1} of ${request.runs.length}` : 'the query';
    checkHalted();
    const { queryId } = await awsCall(`StartQuery (${what}, ${groups.length} log groups)`, deps.target, () =>
      deps.logs.send(
        new StartQueryCommand({
          logGroupNames: [...groups],
          queryString: request.queryString,
          startTime: Math.floor(request.range.start / 1000),
          endTime: Math.floor(request.range.end / 1000),
          ...(request.limit !== undefined ? { limit: request.limit } : {}),
        }),
      ),
    );
    if (!queryId) throw new CliError(`StartQuery (${what}) returned no query id`);
    part.queryId = queryId;
    part.status = 'Scheduled';
    let wait = FIRST_POLL_MS;
    for (;;) {
      await deps.sleep(wait);
      checkHalted();
      if (deps.now() - started > QUERY_TIMEOUT_MS) {
        throw new CliError(`the query ran longer than ${QUERY_TIMEOUT_MS / 60_000} minutes and was stopped; narrow --since or --service`);
      }
      const response = await awsCall(`GetQueryResults (${what})`, deps.target, () => deps.logs.send(new GetQueryResultsCommand({ queryId })));
      part.status = response.status ?? 'Unknown';
      part.statistics = response.statistics;
      if (part.status === 'Complete') {
        part.rows = (response.results ?? []).map(toRow);
        report();
        return;
      }
      if (FINISHED_BADLY.has(part.status)) {
        throw new CliError(`Logs Insights ended ${what} with status ${part.status} (query id ${queryId})`);
      }
      report();
      wait = Math.min(MAX_POLL_INTERVAL_MS, Math.round(wait * POLL_BACKOFF));
    }
  };

  try {
    await runPool(parts.length, MAX_CONCURRENT_PARTS, runPart, () => halt.abort());
  } catch (error) {
    await stopRunning(parts, deps);
    throw error;
  } finally {
    deps.signal?.removeEventListener('abort', interrupt);
  }
  if (parts.length > 1 || deps.now() - started >= PROGRESS_AFTER_MS) deps.progress(progressLine(parts, deps.now() - started));
  return {
    rows: mergeRows(parts.map((p) => p.rows ?? []), request.queryString, request.limit),
    statistics: sumStatistics(parts),
    parts: parts.length,
    logGroups: request.runs.reduce((n, run) => n + run.length, 0),
  };
}

/** Merges the rows of several parts: concatenated, re-sorted by the query's last `sort`, cut to its `limit`. */
export function mergeRows(parts: ReadonlyArray<readonly ResultRow[]>, queryString: string, limit?: number): ResultRow[] {
  const rows = parts.flat();
  if (parts.length <= 1 && limit === undefined) return rows;
  const shape = queryShape(queryString);
  if (parts.length > 1 && shape.sort.length > 0) {
    rows.sort((a, b) => {
      for (const key of shape.sort) {
        const [x, y] = [a[key.field], b[key.field]];
        const order = x === undefined || y === undefined ? compareResultValues(x, y) : compareResultValues(x, y) * (key.descending ? -1 : 1);
        if (order !== 0) return order;
      }
      return 0;
    });
  }
  const cap = Math.min(limit ?? Infinity, shape.limit ?? Infinity);
  return Number.isFinite(cap) ? rows.slice(0, cap) : rows;
}

const toRow = (fields: ResultField[]): ResultRow =>
  Object.fromEntries(fields.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? '']));

function sumStatistics(parts: readonly PartState[]): RunStatistics {
  return parts.reduce(
    (sum, p) => ({
      recordsMatched: sum.recordsMatched + (p.statistics?.recordsMatched ?? 0),
      recordsScanned: sum.recordsScanned + (p.statistics?.recordsScanned ?? 0),
      bytesScanned: sum.bytesScanned + (p.statistics?.bytesScanned ?? 0),
    }),
    { recordsMatched: 0, recordsScanned: 0, bytesScanned: 0 },
  );
}

function progressLine(parts: readonly PartState[], elapsedMs: number): string {
  const done = parts.filter((p) => p.status === 'Complete').length;
  const stats = sumStatistics(parts);
  const of = parts.length > 1 ? `${done} of ${parts.length} parts complete` : done ? 'complete' : 'running';
  return `${of} · ${stats.recordsMatched.toLocaleString('en-US')} records matched · ${formatBytes(stats.bytesScanned)} scanned · ${Math.round(elapsedMs / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Stops every part that was started and has not finished; a failure to stop is not worth a second error. */
async function stopRunning(parts: readonly PartState[], deps: QueryRunnerDeps): Promise<void> {
  const running = parts.filter((p) => p.queryId && !['Complete', ...FINISHED_BADLY].includes(p.status));
  await Promise.all(running.map((p) => deps.logs.send(new StopQueryCommand({ queryId: p.queryId })).catch(() => undefined)));
}
