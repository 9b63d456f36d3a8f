/**
 * The vocabulary of the Logs Insights query language (Logs Insights QL), as documented in
 * docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html and CWL_QuerySyntax-operations-functions.html.
 * The linter accepts exactly these words; a new command or function is one row here.
 */

/** Commands that may start a pipeline stage. Case-sensitive, as the service is. */
export const QUERY_COMMANDS = [
  'fields',
  'filter',
  'stats',
  'sort',
  'limit',
  'parse',
  'display',
  'dedup',
  'pattern',
  'diff',
  'unmask',
  'unnest',
  'filterIndex',
  'SOURCE',
  'anomaly',
] as const;
export type QueryCommand = (typeof QUERY_COMMANDS)[number];

/** Functions usable only in `stats` (they reduce many events to one value). */
export const AGGREGATE_FUNCTIONS = [
  'avg',
  'count',
  'count_distinct',
  'max',
  'min',
  'pct',
  'stddev',
  'sum',
  'earliest',
  'latest',
  'sortsFirst',
  'sortsLast',
] as const;

/** Functions usable in `fields`, `filter`, `display`, `sort` and as arguments. */
export const SCALAR_FUNCTIONS = [
  // numeric
  'abs',
  'ceil',
  'floor',
  'greatest',
  'least',
  'log',
  'sqrt',
  // general
  'ispresent',
  'coalesce',
  // string
  'isempty',
  'isblank',
  'concat',
  'ltrim',
  'rtrim',
  'trim',
  'strlen',
  'toupper',
  'tolower',
  'substr',
  'replace',
  'strcontains',
  // datetime
  'bin',
  'datefloor',
  'dateceil',
  'fromMillis',
  'toMillis',
  // IP address
  'isValidIp',
  'isValidIpV4',
  'isValidIpV6',
  'isIpInSubnet',
  'isIpv4InSubnet',
  'isIpv6InSubnet',
  // structure types
  'jsonParse',
  // data protection
  'unmask',
  // SOURCE logGroups(namePrefix: [...])
  'logGroups',
] as const;

/** Words that read as operators or clauses, never as field names. */
export const QUERY_KEYWORDS = ['and', 'or', 'not', 'like', 'in', 'as', 'by', 'asc', 'desc', 'into'] as const;

/**
 * Time units accepted in periods such as `bin(5m)` (the `stats` page of the docs); multi-letter units may take a
 * plural `s`.
 */
export const PERIOD_UNITS = [
  'ms', 'msec', 'millisecond',
  's', 'sec', 'second',
  'm', 'min', 'minute',
  'h', 'hr', 'hour',
  'd', 'day',
  'w', 'week',
  'mo', 'mon', 'month',
  'q', 'qtr', 'quarter',
  'y', 'yr', 'year',
] as const;

const lowerCaseSet = (words: readonly string[]): ReadonlySet<string> => new Set(words.map((w) => w.toLowerCase()));

const COMMANDS = new Set<string>(QUERY_COMMANDS);
const AGGREGATES = lowerCaseSet(AGGREGATE_FUNCTIONS);
const FUNCTIONS = lowerCaseSet([...AGGREGATE_FUNCTIONS, ...SCALAR_FUNCTIONS]);
const KEYWORDS = new Set<string>(QUERY_KEYWORDS);
const UNITS = new Set<string>(PERIOD_UNITS);

export const isQueryCommand = (word: string): word is QueryCommand => COMMANDS.has(word);
/** Function names are matched without regard to case, as the service does (`fromMillis`, `frommillis`). */
export const isKnownFunction = (word: string): boolean => FUNCTIONS.has(word.toLowerCase());
export const isAggregateFunction = (word: string): boolean => AGGREGATES.has(word.toLowerCase());
export const isQueryKeyword = (word: string): boolean => KEYWORDS.has(word.toLowerCase());
export const isPeriodUnit = (unit: string): boolean =>
  UNITS.has(unit) || (unit.length > 2 && unit.endsWith('s') && UNITS.has(unit.slice(0, -1)));

/** Every word the linter knows, for "did you mean" suggestions. */
export const KNOWN_WORDS: readonly string[] = [...QUERY_COMMANDS, ...AGGREGATE_FUNCTIONS, ...SCALAR_FUNCTIONS];
