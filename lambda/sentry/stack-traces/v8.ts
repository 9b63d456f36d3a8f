import { boundedMemo } from '../../pipeline/bounded-memo';
import type { Mutable } from '../../pipeline/types';
import type { ExceptionInfo, StackFrame } from '../detected-error';
import { containing, execGuarded, firstCodeOf, guarded, replaceGuarded, startingWith } from '../guarded-pattern';
import { isInApp, shortPath } from './in-app';
import { splitLines } from './lines';

/**
 * V8 / Node.js stack traces (`Error.prototype.stack`): a header `Type: message` then `    at ...` lines, newest
 * first. Also reads cause chains as Node (`[cause]: Error: ...`) and pino (`caused by: Error: ...`) print them.
 */

const HEADER = /^(?:Uncaught )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Error|Exception|Rejection)|Error|[A-Z][\w$]*\.[A-Z][\w$]+)(?: \[([A-Z0-9_]+)\])?(?::\s?([\s\S]*))?$/;
/** `    at ` then something ending in `:line:col`, `:line:col)` or a bracketed native location. */
const FRAME_END = /:\d+:\d+\)?\s*$|\((?:native|<anonymous>|index \d+)\)\s*$/;
/** The patterns each line is tried against, each behind a test that rules most lines out. */
export const V8_LINES = {
  /** Node's `[cause]: Error: ...` and pino's `caused by: Error: ...`. */
  cause: guarded(/^\s*(?:\[cause\]:|caused by:)\s*(.*)$/i, startingWith('[cC')),
  /** util.inspect's ` {` after the last frame of an error with extra properties. */
  inspectBrace: guarded(/\)\s+\{$/, (text) => text.endsWith('{')),
  trailingBrace: guarded(/\s*\{\s*$/, containing('{')),
} as const;

/** A frame line's first character: `a` of `at`. */
const FRAME_LINE_START = 'a'.charCodeAt(0);

export function isV8FrameLine(line: string): boolean {
  const at = line.indexOf('at ');
  return at > 0 && line.trimStart().startsWith('at ') && FRAME_END.test(line);
}

/**
 * One `at` line: `at fn (path:line:col)`, `at async fn (path:line:col)`, `at path:line:col`, `at fn (native)`.
 * Read by position rather than one large regular expression: it runs for every frame of every error.
 */
export function parseV8Frame(line: string): StackFrame | undefined {
  let rest = line.trim();
  if (!rest.startsWith('at ')) return undefined;
  rest = rest.slice(3).trim();
  if (rest.startsWith('async ')) rest = rest.slice(6);
  let functionName: string | undefined;
  let location = rest;
  if (rest.endsWith(')')) {
    const open = rest.lastIndexOf(' (');
    if (open >= 0) {
      functionName = rest.slice(0, open);
      location = rest.slice(open + 2, -1);
    }
  }
  let lineno: number | undefined;
  let colno: number | undefined;
  const lastColon = location.lastIndexOf(':');
  const column = lastColon > 0 ? Number(location.slice(lastColon + 1)) : NaN;
  if (Number.isInteger(column)) {
    const before = location.lastIndexOf(':', lastColon - 1);
    const lineNumber = before > 0 ? Number(location.slice(before + 1, lastColon)) : NaN;
    if (Number.isInteger(lineNumber)) {
      lineno = lineNumber;
      colno = column;
      location = location.slice(0, before);
    }
  }
  const isPath = lineno !== undefined;
  if (!isPath && functionName === undefined && !/^(?:native|<anonymous>)$/.test(location)) functionName = location;
  const frame: Mutable<StackFrame> = { in_app: true };
  if (functionName) frame.function = functionName.startsWith('new ') ? functionName.slice(4) : functionName;
  if (isPath) {
    const absPath = location.startsWith('file://') ? location.slice(7) : location;
    frame.abs_path = absPath;
    frame.filename = shortPath(absPath);
    frame.lineno = lineno;
    frame.colno = colno;
  }
  frame.in_app = isInApp('node', frame.abs_path, functionName);
  return frame;
}

/**
 * One line of a stack: not a frame line (undefined), a frame line that reads as no frame (null), or the frame.
 * The same code paths fail again and again, so a line is read once per container (bounded). Only lines that start
 * with `a` are looked up, so headers (which carry ids) do not fill the memo.
 */
const frameOfLine = boundedMemo((line: string): StackFrame | null | undefined => (isV8FrameLine(line) ? (parseV8Frame(line) ?? null) : undefined), 4096);

/** Parses a stack string; undefined when it is not a V8 trace. */
export function parseV8Stack(stack: string): ExceptionInfo[] | undefined {
  const lines = splitLines(stack);
  const blocks: Array<{ header: string[]; frames: StackFrame[] }> = [];
  let current: { header: string[]; frames: StackFrame[] } | undefined;
  for (const rawLine of lines) {
    // util.inspect appends ` {` to the last frame when the error has extra properties.
    const line = replaceGuarded(V8_LINES.inspectBrace, rawLine.trimEnd(), ')');
    const first = firstCodeOf(line);
    const cause = current ? execGuarded(V8_LINES.cause, line, first) : null;
    if (cause) {
      current = { header: [cause[1]], frames: [] };
      blocks.push(current);
      continue;
    }
    const frame = first === FRAME_LINE_START ? frameOfLine(line) : undefined;
    if (frame !== undefined) {
      if (!current) return undefined;
      if (frame) current.frames.push(frame);
      continue;
    }
    if (!current) {
      current = { header: [line.trim()], frames: [] };
      blocks.push(current);
    } else if (current.frames.length === 0) {
      current.header.push(line);
    }
  }
  if (!blocks.some((block) => block.frames.length > 0)) return undefined;
  // Node prints the primary error first and its causes after; Sentry wants the root cause first. A cause without
  // frames is left out, unless it is the only block.
  const exceptions: ExceptionInfo[] = [];
  for (let i = blocks.length - 1; i >= 0; i--) {
    const { header, frames } = blocks[i];
    if (frames.length > 0 || blocks.length === 1) exceptions.push(toException(header.join('\n'), frames));
  }
  return exceptions;
}

/** `TypeError: message` → type and value; anything else becomes an `Error` with the text as value. */
export function splitV8Header(header: string): { type: string; value: string } {
  const match = HEADER.exec(header.trim());
  if (!match) return { type: 'Error', value: header.trim() };
  const [, type, code, value] = match;
  return { type: code ? `${type} [${code}]` : type, value: (value ?? '').trim() };
}

/** `newestFirst` is the parse's own array, reversed in place. */
function toException(header: string, newestFirst: StackFrame[]): ExceptionInfo {
  const { type, value } = splitV8Header(replaceGuarded(V8_LINES.trailingBrace, header, ''));
  return { type, value, frames: newestFirst.reverse() };
}
