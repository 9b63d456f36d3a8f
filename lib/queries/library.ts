import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOG_TYPES } from '../config/log-types';
import { LintOptions, LintProblem, formatLintProblem, lintLibrary, lintQuery } from './lint';
import { QUERY_FILE_EXTENSION, QueryFile } from './query-file';

/** `queries/` at the repository root: one file per saved query, folders become console folders. */
export const QUERY_LIBRARY_ROOT = path.resolve(__dirname, '..', '..', 'queries');

export interface QuerySource {
  /** Path under the library root, with `/` separators. */
  readonly relativePath: string;
  readonly text: string;
}

/** Every `.query` file under `root`, sorted by path so that results never depend on the file system's order. */
export function readQuerySources(root: string = QUERY_LIBRARY_ROOT): QuerySource[] {
  const sources: QuerySource[] = [];
  const walk = (directory: string): void => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(QUERY_FILE_EXTENSION)) {
        sources.push({ relativePath: path.relative(root, full).split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  walk(root);
  return sources.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

export interface LibraryLint {
  readonly queries: readonly QueryFile[];
  readonly problems: readonly LintProblem[];
}

/** The project's lint settings: queries may target the taxonomy's log types. */
export const DEFAULT_LINT_OPTIONS: LintOptions = { knownLogTypes: LOG_TYPES };

/** Lints every file and the library as a whole. */
export function lintSources(sources: readonly QuerySource[], options: LintOptions = DEFAULT_LINT_OPTIONS): LibraryLint {
  const results = sources.map((source) => lintQuery(source.relativePath, source.text, options));
  const queries = results.flatMap((result) => (result.query ? [result.query] : []));
  return { queries, problems: [...results.flatMap((result) => result.problems), ...lintLibrary(queries)] };
}

/**
 * The query library, linted. A bad file is a programmer error in this repository, so this throws one error that
 * lists every problem as `file:line:column: reason`.
 */
export function loadQueryLibrary(options: Partial<LintOptions> & { readonly root?: string } = {}): readonly QueryFile[] {
  const { queries, problems } = lintSources(readQuerySources(options.root), { ...DEFAULT_LINT_OPTIONS, ...options });
  if (problems.length > 0) {
    throw new Error(`The query library has ${problems.length} problem(s):\n${problems.map(formatLintProblem).join('\n')}`);
  }
  return queries;
}
