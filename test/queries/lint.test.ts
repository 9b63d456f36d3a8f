import { LOG_TYPES } from '../../lib/config/log-types';
import { MAX_QUERY_NAME_LENGTH, MAX_QUERY_STRING_LENGTH } from '../../lib/queries/limits';
import { formatLintProblem, lintLibrary, lintQuery, LintProblem } from '../../lib/queries/lint';
import { loadQueryLibrary, readQuerySources } from '../../lib/queries/library';
import { Token, tokenizeQuery } from '../../lib/queries/tokenize';

const options = { knownLogTypes: LOG_TYPES };
const HEADER = '# name: Broken example\n# description: A query with a mistake in it.\n# log-types: errors\n';
/** Lints `body` under a valid 3-line header, so body line 1 is file line 4. */
const lintBody = (body: string): readonly LintProblem[] => lintQuery('errors/broken-example.query', HEADER + body, options).problems;

describe('the query library', () => {
  const sources = readQuerySources();

  test.each(sources.map((s) => [s.relativePath, s.text]))('%s lints clean', (relativePath, text) => {
    const { problems, query } = lintQuery(relativePath, text, options);
    expect(problems.map(formatLintProblem)).toEqual([]);
    expect(query).toBeDefined();
  });

  test('loads as one library with at least 15 queries and no cross-file problems', () => {
    const queries = loadQueryLibrary();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(lintLibrary(queries)).toEqual([]);
  });

  test('has the queries the design doc and the issue ask for', () => {
    const ids = loadQueryLibrary().map((q) => q.id);
    expect(ids).toEqual(expect.arrayContaining([
      'errors/recent-errors',
      'tracing/trace-request',
      'performance/duration-by-5-minutes',
      'llm/cost-and-tokens-by-hour',
      'errors/error-rate-by-service',
      'errors/top-error-patterns',
      'lambda/cold-starts',
      'lambda/duration-and-memory',
      'lambda/timeouts',
      'llm/tokens-and-cost-by-model',
      'llm/top-users',
      'llm/latency-percentiles-by-model',
      'llm/failed-calls-by-status',
      'llm/large-prompts',
      'llm/bursty-users',
      'audit/audit-trail',
      'llm/compliance-summary',
    ]));
  });

  test('the top error messages use the pattern command', () => {
    const query = loadQueryLibrary().find((q) => q.id === 'errors/top-error-patterns')!;
    expect(query.text).toMatch(/\|\s*pattern\s+/);
  });

  test('every LLM query reads the project schema and says which other formats it covers', () => {
    const llm = loadQueryLibrary().filter((q) => q.logTypes.includes('llm') && q.folder === 'llm');
    expect(llm.length).toBeGreaterThanOrEqual(8);
    for (const query of llm) {
      expect(query.description).toMatch(/llm-call\/v1/);
      expect(query.description).toMatch(/LiteLLM/);
      expect(query.description).toMatch(/OpenAI|Bedrock|OTel/);
    }
  });

  test('the LLM queries use the schema field names', () => {
    const text = loadQueryLibrary().filter((q) => q.folder === 'llm').map((q) => q.text).join('\n');
    for (const field of ['model', 'user_id', 'usage.prompt_tokens', 'usage.completion_tokens', 'cost_usd', 'latency_ms', 'status_code', 'error.type']) {
      expect(text).toContain(field);
    }
  });
});

describe('broken queries fail with file, line and reason', () => {
  const cases: ReadonlyArray<readonly [string, string, number, RegExp]> = [
    ['unknown command', 'fields @message\n| filer level = "ERROR"', 5, /unknown command 'filer' \(did you mean 'filter'\?\)/],
    ['missing pipe', 'fields @message\nfilter level = "ERROR"', 5, /missing '\|' before 'filter'/],
    ['trailing pipe', 'fields @message\n|', 5, /'\|' is not followed by a command/],
    ['double pipe', 'fields @message | | limit 5', 4, /'\|' is not followed by a command/],
    ['leading pipe', '| fields @message', 4, /starts with '\|'/],
    ['unterminated string', 'filter level = "ERROR', 4, /unterminated string/],
    ['unterminated single-quoted string', "filter level = 'ERROR", 4, /unterminated string/],
    ['unterminated backtick', 'fields `foo-bar', 4, /unterminated backtick-quoted field name/],
    ['unterminated regex', 'filter @message like /timed out', 4, /unterminated regex/],
    ['empty regex', 'filter @message like //', 4, /empty regex/],
    ['unclosed parenthesis', 'stats count(* by bin(5m)', 4, /'\(' is never closed/],
    ['extra closing parenthesis', 'stats count(*)) by level', 4, /'\)' closes nothing/],
    ['pipe inside parentheses', 'stats count(* | limit 5', 4, /'\|' inside '\('/],
    ['mismatched bracket', 'filter level in ["ERROR", "FATAL")', 4, /'\)' closes '\['/],
    ['unknown function', 'stats cout(*) by level', 4, /unknown function 'cout' \(did you mean 'count'\?\)/],
    ['stats without aggregation', 'stats level by service', 4, /stats needs an aggregation function/],
    ['aggregation outside stats', 'fields avg(latency_ms)', 4, /'avg' aggregates many events; it belongs in stats, not fields/],
    ['limit zero', 'fields @message | limit 0', 4, /limit must be between 1 and 10000, got 0/],
    ['limit too large', 'fields @message | limit 20000', 4, /limit must be between 1 and 10000, got 20000/],
    ['limit not a number', 'fields @message | limit all', 4, /limit takes one whole number/],
    ['SOURCE in a saved query', "SOURCE logGroups(namePrefix: ['/aws/ecs']) | fields @message", 4, /SOURCE only works through the API/],
    ['dangling operator', 'filter latency_ms > | limit 5', 4, /'>' has nothing on its right/],
    ['unknown time unit', 'stats count(*) by bin(5x)', 4, /unknown time unit 'x' in '5x'/],
    ['unexpected character', 'fields @message ; limit 5', 4, /unexpected character ';'/],
    ['a stage not starting with a command', 'fields @message | "ERROR"', 4, /a stage must start with a command/],
    ['no commands at all', '', 4, /no commands after its header/],
  ];

  test.each(cases)('%s', (_, body, line, reason) => {
    const problems = lintBody(body);
    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'queries/errors/broken-example.query', line, reason: expect.stringMatching(reason) })]));
  });

  test('a problem prints as file:line:column: reason', () => {
    const [problem] = lintBody('fields @message\n| filer level = "ERROR"');
    expect(formatLintProblem(problem)).toBe("queries/errors/broken-example.query:5:3: unknown command 'filer' (did you mean 'filter'?)");
  });

  test('one run reports every problem, not just the first', () => {
    const problems = lintBody('filer x\n| stats cout(*)\n| limit 0');
    expect(problems.map((p) => p.line)).toEqual(expect.arrayContaining([4, 5, 6]));
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });
});

describe('the metadata header', () => {
  const lint = (text: string, relativePath = 'errors/example.query') => lintQuery(relativePath, text, options).problems;
  const reasons = (text: string, relativePath?: string) => lint(text, relativePath).map((p) => `${p.line}: ${p.reason}`);

  test('a file without a header is refused', () => {
    expect(reasons('fields @message')).toContain("1: the file must start with its metadata header ('# name: ...')");
  });

  test.each(['name', 'description', 'log-types'])('a missing %s is named', (key) => {
    const text = HEADER.split('\n').filter((l) => !l.startsWith(`# ${key}:`)).join('\n') + 'fields @message';
    expect(reasons(text)).toContain(`1: header is missing '# ${key}: ...'`);
  });

  test('unknown keys, repeated keys and free text in the header are refused with their line', () => {
    expect(reasons(`${HEADER}# owner: team\nfields @message`)).toContain("4: unknown header key 'owner' (known: name, description, log-types, parameters)");
    expect(reasons(`${HEADER}# name: Again\nfields @message`)).toContain("4: header key 'name' is given twice");
    expect(reasons(`# name: X\n# just a note\n# description: d\n# log-types: errors\nfields @message`)).toContain("2: header line must read '# key: value'");
  });

  test('an unknown log type is named with a suggestion and the known types', () => {
    const text = '# name: X\n# description: d\n# log-types: errors, aplication\nfields @message';
    expect(reasons(text)).toEqual([expect.stringMatching(/^3: unknown log type 'aplication' \(did you mean 'application'\?\) \(known: application, errors, llm/)]);
  });

  test('names CloudWatch refuses are refused: colon, asterisk, too long; a slash would make a folder', () => {
    const named = (name: string) => reasons(`# name: ${name}\n# description: d\n# log-types: errors\nfields @message`);
    expect(named('Errors: recent')).toContain("1: name must not contain ':' (CloudWatch refuses it)");
    expect(named('All * errors')).toContain("1: name must not contain '*' (CloudWatch refuses it)");
    expect(named('a/b')).toContain("1: name must not contain '/' (it would make a console folder; use the file's folder instead)");
    expect(named('x'.repeat(MAX_QUERY_NAME_LENGTH + 1))).toContain(`1: name is ${MAX_QUERY_NAME_LENGTH + 1} characters; CloudWatch accepts at most ${MAX_QUERY_NAME_LENGTH}`);
    expect(named('x'.repeat(MAX_QUERY_NAME_LENGTH))).toEqual([]);
  });

  test('a query longer than 10,000 characters is refused', () => {
    const body = `fields @message\n| filter @message like "${'x'.repeat(MAX_QUERY_STRING_LENGTH)}"`;
    expect(reasons(HEADER + body)).toEqual([expect.stringMatching(/^1: query is \d+ characters; CloudWatch accepts at most 10000$/)]);
  });

  test('file and folder names must be kebab-case', () => {
    expect(reasons(`${HEADER}fields @message`, 'Errors/recent_errors.query')).toEqual([
      "1: file name 'recent_errors' must be kebab-case (it is the CLI name)",
      "1: folder 'Errors' must be kebab-case (it becomes a console folder)",
    ]);
  });

  test('parameters: declared and used inside strings only', () => {
    const withParams = (header: string, body: string) => reasons(`${HEADER}${header}${body}`);
    expect(withParams('# parameters: request_id\n', 'filter @message like "{{request_id}}"')).toEqual([]);
    expect(withParams('', 'filter @message like "{{request_id}}"')).toEqual(["4: placeholder {{request_id}} is not declared in '# parameters:'"]);
    expect(withParams('# parameters: request_id\n', 'filter @message like "x"')).toEqual(["1: parameter 'request_id' is declared but no {{request_id}} appears in the query"]);
    expect(withParams('# parameters: request_id\n', 'filter @message like /{{request_id}}/')).toEqual([
      "5: placeholder in '/{{request_id}}/' must sit inside a quoted string so the query still runs as pasted",
    ]);
  });
});

describe('library-wide checks', () => {
  test('two queries with one name in one folder, or one file name in two folders, are refused', () => {
    const a = lintQuery('errors/a.query', '# name: Same\n# description: d\n# log-types: errors\nfields @message', options).query!;
    const b = lintQuery('errors/b.query', '# name: same\n# description: d\n# log-types: errors\nfields @message', options).query!;
    const c = lintQuery('llm/a.query', '# name: Other\n# description: d\n# log-types: llm\nfields @message', options).query!;
    expect(lintLibrary([a, b, c]).map((p) => `${p.file}: ${p.reason}`)).toEqual([
      "queries/errors/b.query: name 'same' is already used by queries/errors/a.query in the same folder",
      "queries/llm/a.query: file name 'a' is already used by queries/errors/a.query; the CLI would not know which one to run",
    ]);
  });
});

describe('every real query: breaking one delimiter is caught', () => {
  // Mutation check on the shipped files: drop either delimiter of each string, quoted field and regex, and each
  // parenthesis and bracket, one at a time; the linter must notice every single one.
  const mutants = readQuerySources().flatMap(({ relativePath, text }) => {
    const lines = text.split('\n');
    const delimiterColumns = (token: Token): number[] => {
      const start = token.column - 1;
      if (['string', 'quoted-field', 'regex'].includes(token.kind)) return [start, start + token.text.length - 1];
      return ['open-paren', 'close-paren', 'open-bracket', 'close-bracket'].includes(token.kind) ? [start] : [];
    };
    return tokenizeQuery(text).tokens.flatMap((token) =>
      delimiterColumns(token).map((column) => {
        const broken = [...lines];
        const line = lines[token.line - 1];
        broken[token.line - 1] = line.slice(0, column) + line.slice(column + 1);
        return [`${relativePath}:${token.line}:${column + 1} (${token.kind})`, relativePath, broken.join('\n')] as const;
      }),
    );
  });

  test('there are many delimiters to break', () => {
    expect(mutants.length).toBeGreaterThan(250);
  });

  test('each broken copy has a problem', () => {
    const missed = mutants.filter(([, relativePath, text]) => lintQuery(relativePath, text, options).problems.length === 0).map(([label]) => label);
    expect(missed).toEqual([]);
  });
});

describe('tokenizer', () => {
  const kinds = (text: string) => tokenizeQuery(text).tokens.map((t) => `${t.kind}:${t.text}`);

  test('a slash after an operand divides; after like, =~ or parse <field> it opens a regex', () => {
    expect(kinds('fields a / b')).toEqual(['word:fields', 'word:a', 'operator:/', 'word:b']);
    expect(kinds('stats sum(x) / count(*) as r')).toContain('operator:/');
    expect(kinds('filter f like /a\\/b/')).toContain('regex:/a\\/b/');
    expect(kinds('filter f =~ /x/')).toContain('regex:/x/');
    expect(kinds('parse @message /(?<n>[0-9]+)/')).toContain('regex:/(?<n>[0-9]+)/');
    expect(kinds('filter f like /[/]x/')).toContain('regex:/[/]x/');
  });

  test('comment lines are skipped, even with quotes in them', () => {
    expect(kinds('# it\'s "fine\nfields @message')).toEqual(['word:fields', 'word:@message']);
  });

  test('periods carry their unit; escaped quotes stay inside their string', () => {
    expect(kinds('stats count(*) by bin(5m)')).toContain('period:5m');
    expect(kinds('filter m = "say \\"hi\\""')).toContain('string:"say \\"hi\\""');
  });
});
