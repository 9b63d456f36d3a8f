import * as path from 'node:path';

/** The extension of a saved query file; everything else under `queries/` is ignored. */
export const QUERY_FILE_EXTENSION = '.query';

/** Metadata keys a query file's header may carry, in the order they are written. */
export const HEADER_KEYS = ['name', 'description', 'log-types', 'parameters'] as const;
export type HeaderKey = (typeof HEADER_KEYS)[number];
export const REQUIRED_HEADER_KEYS: readonly HeaderKey[] = ['name', 'description', 'log-types'];

/** A placeholder such as `{{request_id}}`, written inside a string literal and filled by `logs-cli query --param`. */
export const PARAMETER_PLACEHOLDER = /\{\{([a-z][a-z0-9_]*)\}\}/g;
const PARAMETER_NAME = /^[a-z][a-z0-9_]*$/;

/** One saved query, read from `queries/<folder>/<slug>.query`. */
export interface QueryFile {
  /** Path as given to the parser, used in problems (e.g. `queries/llm/cost-by-hour.query`). */
  readonly file: string;
  /** The console folder: the file's directory under `queries/`. */
  readonly folder: string;
  /** The file name without extension: what the CLI calls it. */
  readonly slug: string;
  /** `<folder>/<slug>`: unique across the library. */
  readonly id: string;
  /** Human name shown in the console: `# name:`. */
  readonly name: string;
  /** One line: `# description:`. */
  readonly description: string;
  /** The log types whose groups the query runs on: `# log-types:`. */
  readonly logTypes: readonly string[];
  /** Placeholders the query needs (`# parameters:`), each written `{{name}}` in a string literal. */
  readonly parameters: readonly string[];
  /** The whole file, header included: what is saved and what the CLI runs (comments are valid query text). */
  readonly text: string;
}

export interface HeaderProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedHeader {
  readonly values: Partial<Record<HeaderKey, string>>;
  /** Number of header lines; the query body starts on the next line. */
  readonly length: number;
  readonly problems: readonly HeaderProblem[];
}

const HEADER_LINE = /^#\s*([A-Za-z][A-Za-z-]*)\s*:\s*(.*?)\s*$/;

/** Reads the leading `# key: value` lines of a query file. */
export function parseHeader(text: string): ParsedHeader {
  const lines = text.split(/\r?\n/);
  const values: Partial<Record<HeaderKey, string>> = {};
  const problems: HeaderProblem[] = [];
  let length = 0;
  while (length < lines.length && lines[length].startsWith('#')) {
    const line = length + 1;
    const match = HEADER_LINE.exec(lines[length]);
    length += 1;
    if (!match) {
      problems.push({ line, reason: "header line must read '# key: value'" });
      continue;
    }
    const key = match[1].toLowerCase();
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      problems.push({ line, reason: `unknown header key '${match[1]}' (known: ${HEADER_KEYS.join(', ')})` });
      continue;
    }
    if (values[key as HeaderKey] !== undefined) {
      problems.push({ line, reason: `header key '${key}' is given twice` });
      continue;
    }
    values[key as HeaderKey] = match[2];
  }
  if (length === 0) problems.push({ line: 1, reason: "the file must start with its metadata header ('# name: ...')" });
  for (const key of REQUIRED_HEADER_KEYS) {
    if (length > 0 && !values[key]) problems.push({ line: 1, reason: `header is missing '# ${key}: ...'` });
  }
  return { values, length, problems };
}

/** Splits a comma-separated header value (`errors, application`) into its items. */
export const headerList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

export const isParameterName = (name: string): boolean => PARAMETER_NAME.test(name);

/** Folder and slug from a path under the library root: `llm/cost-by-hour.query` → `llm`, `cost-by-hour`. */
export function locateQueryFile(relativePath: string): { readonly folder: string; readonly slug: string } {
  const normalized = relativePath.split(path.sep).join('/');
  const folder = path.posix.dirname(normalized);
  return { folder: folder === '.' ? '' : folder, slug: path.posix.basename(normalized, QUERY_FILE_EXTENSION) };
}
