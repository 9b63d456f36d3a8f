import { isPeriodUnit, isQueryKeyword } from './query-language';

/** Where something is in a query file: 1-based, as editors show it. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export const TOKEN_KINDS = [
  'word', // a command, keyword, function or field name: fields, like, count, @message, usage.prompt_tokens
  'quoted-field', // `foo-bar`
  'string', // "ERROR" or 'ERROR'
  'regex', // /Task timed out/
  'number', // 100000, 0.5
  'period', // 5m, 1h (a number with a time unit)
  'operator', // = != < <= > >= =~ + - * / ^ %
  'pipe',
  'open-paren',
  'close-paren',
  'open-bracket',
  'close-bracket',
  'comma',
  'colon',
] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface Token extends SourcePosition {
  readonly kind: TokenKind;
  /** The token as written, quotes and slashes included. */
  readonly text: string;
}

export interface TokenizeProblem extends SourcePosition {
  readonly reason: string;
}

export interface TokenizeResult {
  readonly tokens: readonly Token[];
  readonly problems: readonly TokenizeProblem[];
}

const OPERATORS = ['=~', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '^', '%'] as const;
const SINGLE_CHAR_TOKENS: Readonly<Record<string, TokenKind>> = {
  '|': 'pipe',
  '(': 'open-paren',
  ')': 'close-paren',
  '[': 'open-bracket',
  ']': 'close-bracket',
  ',': 'comma',
  ':': 'colon',
};
const WORD_START = /[A-Za-z_@]/;
const WORD_PART = /[A-Za-z0-9_@.]/;
const DIGIT = /[0-9]/;
const LETTER = /[A-Za-z]/;

/** Tokens after which a value is expected, so a `/` opens a regex rather than dividing. */
const expectsOperand = (previous: Token | undefined): boolean => {
  if (!previous) return true;
  switch (previous.kind) {
    case 'operator':
    case 'pipe':
    case 'open-paren':
    case 'open-bracket':
    case 'comma':
    case 'colon':
      return true;
    case 'word':
      return isQueryKeyword(previous.text);
    default:
      return false;
  }
};

/**
 * Splits a Logs Insights query into tokens with their positions. Lines whose first non-blank character is `#` are
 * comments (as in the service) and produce no tokens. Strings, quoted fields and regexes must close on the line
 * they open; anything unclosed or unknown becomes a problem with its position, and tokenizing goes on so that one
 * run reports every problem.
 */
export function tokenizeQuery(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const problems: TokenizeProblem[] = [];
  const lines = text.split(/\r?\n/);
  // The command of the current pipeline stage and how many tokens it has so far: `parse <field> /regex/` is the
  // one place where a `/` right after an operand opens a regex.
  let command: string | undefined;
  let tokensInCommand = 0;
  let depth = 0;

  const push = (token: Token): void => {
    tokens.push(token);
    if (token.kind === 'open-paren' || token.kind === 'open-bracket') depth += 1;
    if (token.kind === 'close-paren' || token.kind === 'close-bracket') depth = Math.max(0, depth - 1);
    if (token.kind === 'pipe' && depth === 0) {
      command = undefined;
      tokensInCommand = 0;
      return;
    }
    if (tokensInCommand === 0) command = token.kind === 'word' ? token.text : undefined;
    tokensInCommand += 1;
  };

  lines.forEach((lineText, index) => {
    const line = index + 1;
    if (/^\s*#/.test(lineText)) return;
    let i = 0;
    while (i < lineText.length) {
      const char = lineText[i];
      const column = i + 1;
      if (/\s/.test(char)) {
        i += 1;
        continue;
      }
      if (char === '"' || char === "'" || char === '`') {
        const end = closingIndex(lineText, i + 1, char);
        const what = char === '`' ? 'backtick-quoted field name' : 'string';
        if (end < 0) {
          problems.push({ line, column, reason: `unterminated ${what}: no closing ${char} on this line` });
          i = lineText.length;
          continue;
        }
        push({ kind: char === '`' ? 'quoted-field' : 'string', text: lineText.slice(i, end + 1), line, column });
        i = end + 1;
        continue;
      }
      if (char === '/' && (expectsOperand(tokens[tokens.length - 1]) || opensParseRegex(command, tokensInCommand, depth))) {
        const end = regexClosingIndex(lineText, i + 1);
        if (end < 0) {
          problems.push({ line, column, reason: 'unterminated regex: no closing / on this line' });
          i = lineText.length;
          continue;
        }
        if (end === i + 1) problems.push({ line, column, reason: 'empty regex //' });
        push({ kind: 'regex', text: lineText.slice(i, end + 1), line, column });
        i = end + 1;
        continue;
      }
      if (DIGIT.test(char)) {
        const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(lineText.slice(i));
        const numberText = match ? match[0] : char;
        let end = i + numberText.length;
        let unit = '';
        while (end < lineText.length && LETTER.test(lineText[end])) unit += lineText[end++];
        if (unit && !isPeriodUnit(unit)) {
          problems.push({ line, column, reason: `unknown time unit '${unit}' in '${numberText}${unit}'` });
        }
        push({ kind: unit ? 'period' : 'number', text: lineText.slice(i, end), line, column });
        i = end;
        continue;
      }
      if (WORD_START.test(char)) {
        let end = i + 1;
        while (end < lineText.length && WORD_PART.test(lineText[end])) end += 1;
        push({ kind: 'word', text: lineText.slice(i, end), line, column });
        i = end;
        continue;
      }
      const single = SINGLE_CHAR_TOKENS[char];
      if (single) {
        push({ kind: single, text: char, line, column });
        i += 1;
        continue;
      }
      const operator = OPERATORS.find((op) => lineText.startsWith(op, i));
      if (operator) {
        push({ kind: 'operator', text: operator, line, column });
        i += operator.length;
        continue;
      }
      problems.push({ line, column, reason: `unexpected character '${char}'` });
      i += 1;
    }
  });
  return { tokens, problems };
}

function opensParseRegex(command: string | undefined, tokensInCommand: number, depth: number): boolean {
  return command === 'parse' && tokensInCommand === 2 && depth === 0;
}

/** Index of the quote that closes a string opened before `from`, honouring backslash escapes; -1 if none. */
function closingIndex(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '\\' && quote !== '`') {
      i += 1;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

/** Index of the `/` that closes a regex, skipping escapes and character classes (`[/]`); -1 if none. */
function regexClosingIndex(text: string, from: number): number {
  let inClass = false;
  for (let i = from; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '/') return i;
  }
  return -1;
}
