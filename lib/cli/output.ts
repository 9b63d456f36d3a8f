/** Output formats; each command accepts the ones that make sense for it. */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type Cell = string | number | boolean | null | undefined;
export type Row = Readonly<Record<string, Cell>>;

/** Longest cell a terminal table shows; the rest is cut with `…` (json and csv keep everything). */
export const MAX_TABLE_CELL_CHARS = 120;

/** Columns in the order they first appear across rows. */
export function columnsOf(rows: readonly Row[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

const text = (cell: Cell): string => (cell === null || cell === undefined ? '' : String(cell));

/**
 * Log content is untrusted: control characters (ANSI escapes that could repaint the terminal, carriage returns that
 * hide text) are shown as `\xNN` and newlines as a space.
 */
export function terminalSafe(value: string): string {
  return value
    .replace(/\r\n|\r|\n|\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const truncate = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const isNumeric = (cell: Cell): boolean => typeof cell === 'number' || (typeof cell === 'string' && /^-?\d+(\.\d+)?$/.test(cell));

/** A plain-text table with a header rule; numbers are right-aligned. */
export function renderTable(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  if (rows.length === 0) return '(no rows)\n';
  const cells = rows.map((row) => columns.map((c) => truncate(terminalSafe(text(row[c])), MAX_TABLE_CELL_CHARS)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const numeric = columns.map((c) => rows.every((row) => row[c] === undefined || row[c] === '' || isNumeric(row[c])));
  const line = (values: readonly string[]) =>
    values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/**
 * RFC 4180 CSV. A data cell that starts with `=`, `+`, `-`, `@` (and is not a number) gets a leading `'`, so a log
 * line opened in a spreadsheet cannot run as a formula; the header (field names the query chose) is kept as is.
 */
export function renderCsv(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const quote = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const escape = (cell: Cell): string => {
    const value = text(cell);
    return quote(/^[=+\-@\t\r]/.test(value) && !isNumeric(cell) ? `'${value}` : value);
  };
  return [columns.map(quote), ...rows.map((row) => columns.map((c) => escape(row[c])))].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/** A GitHub-flavoured Markdown table; `|`, `<` and `>` in cells are escaped so `<type>` is not read as HTML. */
export function renderMarkdownTable(rows: readonly Row[], columns: readonly string[] = columnsOf(rows)): string {
  const escape = (cell: Cell) => terminalSafe(text(cell)).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => escape(row[c])).join(' | ')} |`),
  ].join('\n') + '\n';
}

export const renderJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Rows in the chosen format (`json` prints the rows as an array; commands with more to say build their own JSON). */
export function renderRows(rows: readonly Row[], format: OutputFormat, columns?: readonly string[]): string {
  switch (format) {
    case 'json':
      return renderJson(rows);
    case 'csv':
      return renderCsv(rows, columns);
    case 'markdown':
      return renderMarkdownTable(rows, columns);
    default:
      return renderTable(rows, columns);
  }
}
