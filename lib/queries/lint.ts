import { closeMatches } from './close-matches';
import {
  FORBIDDEN_QUERY_NAME_CHARACTERS,
  MAX_QUERY_NAME_LENGTH,
  MAX_QUERY_RESULT_ROWS,
  MAX_QUERY_STRING_LENGTH,
  MAX_SAVED_QUERIES_PER_REGION,
} from './limits';
import {
  AGGREGATE_FUNCTIONS,
  KNOWN_WORDS,
  QUERY_COMMANDS,
  isAggregateFunction,
  isKnownFunction,
  isQueryCommand,
  isQueryKeyword,
} from './query-language';
import {
  PARAMETER_PLACEHOLDER,
  QueryFile,
  headerList,
  isParameterName,
  locateQueryFile,
  parseHeader,
} from './query-file';
import { splitStages } from './stages';
import { Token, tokenizeQuery } from './tokenize';

/** One reason a query file is wrong, with where. */
export interface LintProblem {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  readonly reason: string;
}

export interface LintOptions {
  /** The log types a query may target (the foundation's `LOG_TYPES`). */
  readonly knownLogTypes: readonly string[];
}

export interface LintResult {
  /** Present when the header could be read, even if the body has problems. */
  readonly query?: QueryFile;
  readonly problems: readonly LintProblem[];
}

/** `file:line:column: reason`, the shape editors and CI annotate. */
export const formatLintProblem = (p: LintProblem): string =>
  `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}: ${p.reason}`;

const KEBAB_CASE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Checks one query file: its metadata header, the limits CloudWatch enforces, and the query's syntax as far as it
 * can be checked without running it (known commands and functions, pipes between stages, balanced quotes,
 * backticks, regex slashes, parentheses and brackets, `stats` with an aggregation, a valid `limit`).
 *
 * @param relativePath the file's path under the library root (`llm/cost-and-tokens-by-hour.query`): gives the
 *   console folder and the CLI name.
 * @param file how problems name the file (defaults to `queries/<relativePath>`).
 */
export function lintQuery(relativePath: string, text: string, options: LintOptions, file = `queries/${relativePath}`): LintResult {
  const problems: LintProblem[] = [];
  const at = (line: number, reason: string, column?: number): void => {
    problems.push(column === undefined ? { file, line, reason } : { file, line, column, reason });
  };

  const { folder, slug } = locateQueryFile(relativePath);
  if (!KEBAB_CASE.test(slug)) at(1, `file name '${slug}' must be kebab-case (it is the CLI name)`);
  for (const segment of folder ? folder.split('/') : []) {
    if (!KEBAB_CASE.test(segment)) at(1, `folder '${segment}' must be kebab-case (it becomes a console folder)`);
  }

  const header = parseHeader(text);
  header.problems.forEach((p) => at(p.line, p.reason));
  const headerLine = (key: string): number => {
    const index = text.split(/\r?\n/).findIndex((l) => new RegExp(`^#\\s*${key}\\s*:`, 'i').test(l));
    return index < 0 ? 1 : index + 1;
  };

  const name = header.values.name ?? '';
  if (name) checkName(name).forEach((reason) => at(headerLine('name'), reason));

  const logTypes = headerList(header.values['log-types']);
  if (header.values['log-types'] !== undefined && logTypes.length === 0) at(headerLine('log-types'), 'log-types lists no type');
  logTypes.forEach((type, index) => {
    if (!options.knownLogTypes.includes(type)) {
      const hint = closeMatches(type, options.knownLogTypes, 1);
      at(headerLine('log-types'), `unknown log type '${type}'${hint.length ? ` (did you mean '${hint[0]}'?)` : ''} (known: ${options.knownLogTypes.join(', ')})`);
    }
    if (logTypes.indexOf(type) !== index) at(headerLine('log-types'), `log type '${type}' is listed twice`);
  });

  const parameters = headerList(header.values.parameters);
  parameters.filter((p) => !isParameterName(p)).forEach((p) =>
    at(headerLine('parameters'), `parameter '${p}' must be lower_snake_case`));

  if (text.length > MAX_QUERY_STRING_LENGTH) {
    at(1, `query is ${text.length} characters; CloudWatch accepts at most ${MAX_QUERY_STRING_LENGTH}`);
  }

  const { tokens, problems: tokenProblems } = tokenizeQuery(text);
  tokenProblems.forEach((p) => at(p.line, p.reason, p.column));
  checkBrackets(tokens).forEach((p) => at(p.token.line, p.reason, p.token.column));
  checkStages(tokens).forEach((p) => at(p.token.line, p.reason, p.token.column));
  checkParameters(tokens, parameters).forEach((p) => at(p.line, p.reason, p.column));
  if (tokens.length === 0 && header.length > 0) at(header.length + 1, 'the query has no commands after its header');

  const complete = header.values.name && header.values.description && logTypes.length > 0;
  const query: QueryFile | undefined = complete
    ? {
        file,
        folder,
        slug,
        id: folder ? `${folder}/${slug}` : slug,
        name,
        description: header.values.description ?? '',
        logTypes,
        parameters,
        text,
      }
    : undefined;
  return { query, problems };
}

/** Checks that hold across files: unique names and ids, and the number of saved queries. */
export function lintLibrary(queries: readonly QueryFile[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const seenNames = new Map<string, QueryFile>();
  const seenIds = new Map<string, QueryFile>();
  for (const query of queries) {
    const folderName = `${query.folder}/${query.name}`.toLowerCase();
    const sameName = seenNames.get(folderName);
    if (sameName) problems.push({ file: query.file, line: 1, reason: `name '${query.name}' is already used by ${sameName.file} in the same folder` });
    else seenNames.set(folderName, query);
    const sameSlug = [...seenIds.values()].find((other) => other.slug === query.slug);
    if (sameSlug) problems.push({ file: query.file, line: 1, reason: `file name '${query.slug}' is already used by ${sameSlug.file}; the CLI would not know which one to run` });
    seenIds.set(query.id, query);
  }
  if (queries.length > MAX_SAVED_QUERIES_PER_REGION) {
    problems.push({ file: 'queries/', line: 1, reason: `${queries.length} queries; CloudWatch saves at most ${MAX_SAVED_QUERIES_PER_REGION} per region` });
  }
  return problems;
}

/** Why CloudWatch would refuse a saved query's full name (`<project>/<env>/<folder>/<name>`), if it would. */
export function savedNameProblems(name: string): string[] {
  const reasons: string[] = [];
  if (name.length > MAX_QUERY_NAME_LENGTH) reasons.push(`name is ${name.length} characters; CloudWatch accepts at most ${MAX_QUERY_NAME_LENGTH}`);
  for (const char of FORBIDDEN_QUERY_NAME_CHARACTERS) {
    if (name.includes(char)) reasons.push(`name must not contain '${char}' (CloudWatch refuses it)`);
  }
  return reasons;
}

/** Why a query file's `# name:` would be refused, if it would: CloudWatch's rules, and no `/` of its own. */
export function checkName(name: string): string[] {
  const reasons = savedNameProblems(name);
  if (name.includes('/')) reasons.push("name must not contain '/' (it would make a console folder; use the file's folder instead)");
  return reasons;
}

interface TokenProblem {
  readonly token: Token;
  readonly reason: string;
}

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']' };

function checkBrackets(tokens: readonly Token[]): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const open: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'open-paren' || token.kind === 'open-bracket') open.push(token);
    if (token.kind === 'close-paren' || token.kind === 'close-bracket') {
      const opener = open.pop();
      if (!opener) problems.push({ token, reason: `'${token.text}' closes nothing` });
      else if (OPENERS[opener.text] !== token.text) {
        problems.push({ token, reason: `'${token.text}' closes '${opener.text}' opened at line ${opener.line} column ${opener.column}` });
      }
    }
    if (token.kind === 'pipe' && open.length > 0) {
      const opener = open[open.length - 1];
      problems.push({ token, reason: `'|' inside '${opener.text}' opened at line ${opener.line} column ${opener.column}: a parenthesis is not closed` });
      open.length = 0;
    }
  }
  open.forEach((token) => problems.push({ token, reason: `'${token.text}' is never closed` }));
  return problems;
}

/** Splits the tokens into pipeline stages and checks each one. */
function checkStages(tokens: readonly Token[]): TokenProblem[] {
  const problems: TokenProblem[] = [];
  if (tokens.length === 0) return problems;
  const stages = splitStages(tokens);
  stages.forEach((stage, index) => {
    if (stage.tokens.length === 0) {
      // An empty first stage has no pipe of its own: point at the one that follows it.
      const pipe = stage.pipe ?? stages[1].pipe!;
      problems.push({ token: pipe, reason: index === 0 ? "the query starts with '|'" : "'|' is not followed by a command" });
      return;
    }
    problems.push(...checkStage(stage.tokens));
  });
  return problems;
}

function checkStage(stage: readonly Token[]): TokenProblem[] {
  const problems: TokenProblem[] = [];
  const [first] = stage;
  const command = first.kind === 'word' && isQueryCommand(first.text) ? first.text : undefined;
  if (!command) {
    const hint = first.kind === 'word' ? closeMatches(first.text, QUERY_COMMANDS, 1) : [];
    problems.push({
      token: first,
      reason: first.kind === 'word'
        ? `unknown command '${first.text}'${hint.length ? ` (did you mean '${hint[0]}'?)` : ''}`
        : `a stage must start with a command, not '${first.text}'`,
    });
  }
  if (command === 'SOURCE') {
    problems.push({ token: first, reason: 'SOURCE only works through the API, not in the console; saved queries get their log groups from the deployment' });
  }

  let aggregates = 0;
  stage.forEach((token, index) => {
    const next = stage[index + 1];
    const previous = stage[index - 1];
    if (index > 0 && token.kind === 'word' && isQueryCommand(token.text) && previous && previous.line < token.line && !(next && next.kind === 'open-paren')) {
      problems.push({ token, reason: `missing '|' before '${token.text}'` });
    }
    if (token.kind === 'operator' && endsAnExpression(next) && !(token.text === '*' && previous?.kind === 'open-paren')) {
      problems.push({ token, reason: `'${token.text}' has nothing on its right` });
    }
    if (token.kind !== 'word' || !next || next.kind !== 'open-paren') return;
    if (isQueryKeyword(token.text) || (index === 0 && command)) return;
    if (!isKnownFunction(token.text)) {
      const hint = closeMatches(token.text, KNOWN_WORDS, 1);
      problems.push({ token, reason: `unknown function '${token.text}'${hint.length ? ` (did you mean '${hint[0]}'?)` : ''}` });
      return;
    }
    if (isAggregateFunction(token.text)) {
      aggregates += 1;
      if (command && command !== 'stats') problems.push({ token, reason: `'${token.text}' aggregates many events; it belongs in stats, not ${command}` });
    }
  });
  if (command === 'stats' && aggregates === 0) {
    problems.push({ token: first, reason: `stats needs an aggregation function (${AGGREGATE_FUNCTIONS.join(', ')})` });
  }
  if (command === 'limit') problems.push(...checkLimit(stage));
  return problems;
}

/** True when nothing can follow: the end of the stage, or a closing or separating token. */
const endsAnExpression = (next: Token | undefined): boolean =>
  !next || next.kind === 'close-paren' || next.kind === 'close-bracket' || next.kind === 'comma';

function checkLimit(stage: readonly Token[]): TokenProblem[] {
  const [limit, value, ...rest] = stage;
  if (!value || value.kind !== 'number' || rest.length > 0) {
    return [{ token: value ?? limit, reason: 'limit takes one whole number' }];
  }
  const rows = Number(value.text);
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_QUERY_RESULT_ROWS) {
    return [{ token: value, reason: `limit must be between 1 and ${MAX_QUERY_RESULT_ROWS}, got ${value.text}` }];
  }
  return [];
}

function checkParameters(tokens: readonly Token[], declared: readonly string[]): Array<{ line: number; column: number; reason: string }> {
  const problems: Array<{ line: number; column: number; reason: string }> = [];
  const used = new Set<string>();
  for (const token of tokens) {
    const placeholders = [...token.text.matchAll(PARAMETER_PLACEHOLDER)].map((m) => m[1]);
    if (placeholders.length === 0) continue;
    if (token.kind !== 'string') {
      problems.push({ line: token.line, column: token.column, reason: `placeholder in '${token.text}' must sit inside a quoted string so the query still runs as pasted` });
    }
    for (const name of placeholders) {
      used.add(name);
      if (!declared.includes(name)) problems.push({ line: token.line, column: token.column, reason: `placeholder {{${name}}} is not declared in '# parameters:'` });
    }
  }
  declared.filter((name) => !used.has(name)).forEach((name) =>
    problems.push({ line: 1, column: 1, reason: `parameter '${name}' is declared but no {{${name}}} appears in the query` }));
  return problems;
}
