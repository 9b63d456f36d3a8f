import type { Mutable } from '../../pipeline/types';
import type { ExceptionInfo, StackFrame } from '../detected-error';
import { execGuarded, firstCodeOf, guarded, replaceGuarded, startingWith, testGuarded } from '../guarded-pattern';
import { recentMemo } from '../recent-memo';
import { isInApp, shortPath } from './in-app';
import { firstNonSpace, isSpace, splitLines } from './lines';

/**
 * Python tracebacks: `Traceback (most recent call last):`, frames oldest-first as `  File "p", line N, in fn` with
 * the source line under each, then `module.Type: message`. Chained exceptions come as several blocks joined by
 * "The above exception was the direct cause of the following exception:" or "During handling of the above
 * exception, another exception occurred:"; the first block is the root cause, as Sentry wants.
 */

export const TRACEBACK_HEADER = 'Traceback (most recent call last):';
/** The patterns each line is tried against, each behind the character its match must start with. */
export const PYTHON_LINES = {
  header: guarded(/^\s*Traceback \(most recent call last\):\s*$/, startingWith('T')),
  chainSeparator: guarded(
    /^\s*(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/,
    startingWith('TD'),
  ),
  frame: guarded(/^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/, startingWith('F')),
  /** Python 3.11+ underlines the failing expression; those lines carry nothing for us. */
  marker: guarded(/^\s*[~^]+\s*$/, startingWith('~^')),
  /** Exception groups (3.11+) indent their tracebacks with `| `. */
  groupIndent: guarded(/^\s*\|\s?/, startingWith('|')),
} as const;
const EXCEPTION_LINE = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?::\s?(.*))?$/;
const SLASHES = /\//g;

/**
 * What a frame's path says, read once while it recurs: the same files appear in every traceback of a storm. Up to
 * 4,096 paths of 1,024 characters, 256 K characters in all.
 */
const pathFacts = recentMemo(
  (file: string) => {
    const filename = shortPath(file);
    return { filename, inApp: isInApp('python', file), module: file.endsWith('.py') ? filename.slice(0, -3).replace(SLASHES, '.') : undefined };
  },
  { maxEntries: 4096, maxInputChars: 1024, maxTotalChars: 256 * 1024 },
);

export function parsePythonFrameLine(file: string, lineno: string, fn: string | undefined, source?: string): StackFrame {
  const { filename, inApp, module } = pathFacts(file);
  const frame: Mutable<StackFrame> = { abs_path: file, filename, lineno: Number(lineno), in_app: inApp };
  if (fn) frame.function = fn.trim();
  if (module !== undefined) frame.module = module;
  if (source) frame.context_line = source.trim();
  return frame;
}

/** A frame's source line: indented by four or more, and neither a frame nor a marker line itself. */
function isSourceLine(line: string): boolean {
  const start = firstNonSpace(line);
  if (start < 4) return false;
  const first = line.charCodeAt(start);
  return !testGuarded(PYTHON_LINES.frame, line, first) && !testGuarded(PYTHON_LINES.marker, line, first);
}

/** `/^\S/`: the line starts with its text. */
function isNotIndented(line: string): boolean {
  return line.length > 0 && !isSpace(line.charCodeAt(0));
}

/** Splits `pkg.mod.Type: message` into module, type and value. */
export function splitPythonException(line: string): { type: string; value: string; module?: string } | undefined {
  const match = EXCEPTION_LINE.exec(line.trim());
  if (!match) return undefined;
  const [, qualified, value] = match;
  const dot = qualified.lastIndexOf('.');
  return {
    type: dot >= 0 ? qualified.slice(dot + 1) : qualified,
    value: (value ?? '').trim(),
    ...(dot >= 0 ? { module: qualified.slice(0, dot) } : {}),
  };
}

/**
 * A traceback (or several chained) as read, before a fallback names the blocks that have no final exception line
 * (see namePythonTraceback).
 */
export interface PythonTraceback {
  /** Unnamed blocks read as `Exception`. Shared once remembered: never mutated. */
  readonly exceptions: readonly ExceptionInfo[];
  /** The blocks without a final exception line, with what followed their frames (kept in the value). */
  readonly unnamed: ReadonlyArray<{ readonly index: number; readonly extra: string }>;
}

export function readPythonTraceback(text: string): PythonTraceback | undefined {
  if (!text.includes(TRACEBACK_HEADER)) return undefined;
  const lines = splitLines(text);
  const exceptions: ExceptionInfo[] = [];
  const unnamed: Array<{ index: number; extra: string }> = [];
  let frames: StackFrame[] | undefined;
  let pendingException: string[] = [];
  const close = () => {
    if (!frames) return;
    const named = pendingException.length > 0 ? splitPythonException(pendingException[0]) : undefined;
    const extra = pendingException.slice(1).join('\n').trim();
    if (!named) unnamed.push({ index: exceptions.length, extra });
    exceptions.push(toException(named ?? { type: 'Exception', value: '' }, extra, frames));
    frames = undefined;
    pendingException = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = frames ? replaceGuarded(PYTHON_LINES.groupIndent, lines[i], '') : lines[i];
    // Each pattern is tried only on a line that starts with its first character.
    const first = firstCodeOf(line);
    if (testGuarded(PYTHON_LINES.header, line, first)) {
      close();
      frames = [];
      continue;
    }
    if (!frames) continue;
    if (testGuarded(PYTHON_LINES.chainSeparator, line, first)) {
      close();
      continue;
    }
    const frame = pendingException.length === 0 ? execGuarded(PYTHON_LINES.frame, line, first) : null;
    if (frame) {
      const next = lines[i + 1];
      const hasSource = next !== undefined && isSourceLine(next);
      frames.push(parsePythonFrameLine(frame[1], frame[2], frame[3], hasSource ? next : undefined));
      if (hasSource) i++;
      continue;
    }
    const blank = Number.isNaN(first);
    if (testGuarded(PYTHON_LINES.marker, line, first) || (blank && pendingException.length === 0)) continue;
    if (isNotIndented(line) || pendingException.length > 0) pendingException.push(line);
  }
  close();
  return exceptions.length > 0 ? { exceptions, unnamed } : undefined;
}

/** The traceback's exceptions, its unnamed blocks named by `fallback` in a copy. */
export function namePythonTraceback(traceback: PythonTraceback, fallback: { type: string; value: string }): ExceptionInfo[] {
  const exceptions = [...traceback.exceptions];
  for (const { index, extra } of traceback.unnamed) exceptions[index] = toException(fallback, extra, exceptions[index].frames);
  return exceptions;
}

/** Built field by field: spreading headers of several shapes was the slowest line of the parse. */
function toException(header: { type: string; value: string; module?: string }, extra: string, frames: readonly StackFrame[]): ExceptionInfo {
  const value = extra ? `${header.value}\n${extra}` : header.value;
  return header.module !== undefined ? { type: header.type, value, module: header.module, frames } : { type: header.type, value, frames };
}
