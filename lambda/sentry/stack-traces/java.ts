import { boundedMemo } from '../../pipeline/bounded-memo';
import type { ExceptionInfo, StackFrame } from '../detected-error';
import { execGuarded, firstCodeOf, guarded, startingWith, testGuarded } from '../guarded-pattern';
import { isInApp } from './in-app';
import { firstNonSpace, isSpace, splitLines } from './lines';
import { packedMap } from '../../pipeline/packed-map';

/**
 * Java stack traces (`Throwable.printStackTrace`): `pkg.Type: message`, tab-indented `at pkg.Class.method(File.java:N)`
 * lines newest-first, `... N more`, and `Caused by:` blocks for each cause. Sentry wants the root cause first and
 * frames oldest-first, so both orders are reversed. `Suppressed:` blocks are side notes and are skipped.
 */

const HEADER = /^(?:Exception in thread "[^"]*"\s+)?((?:[a-zA-Z_$][\w$]*\.)+[A-Za-z_$][\w$]*)(?::\s?(.*))?$/;
const NO_FILE = /^(?:Native Method|Unknown Source)$/;
const DIGITS = /^\d+$/;
/** The patterns each line is tried against, each behind the character its match must start with. */
export const JAVA_LINES = {
  frame: guarded(/^\s*at\s+(?:[\w.$-]+(?:@[\w.-]+)?\/)?((?:[\w$]+\.)*[\w$]+)\.([\w$<>-]+)\(([^)]*)\)\s*(?:~?\[[^\]]*\])?\s*$/, startingWith('a')),
  causedBy: guarded(/^\s*Caused by:\s*(.*)$/, startingWith('C')),
  suppressed: guarded(/^\s+Suppressed:\s/, startingWith('S')),
  /** `... 5 more` (printStackTrace) and `... 3 common frames omitted` (Logback). */
  omitted: guarded(/^\s*\.\.\. \d+ (?:more|common frames omitted)/, startingWith('.')),
} as const;

export function javaFrame(className: string, method: string, location: string): StackFrame {
  const [file, line] = location.split(':');
  return {
    function: method,
    module: className,
    ...(file && !NO_FILE.test(file) ? { filename: file } : {}),
    ...(line && DIGITS.test(line) ? { lineno: Number(line) } : {}),
    in_app: isInApp('java', className),
  };
}

export function splitJavaHeader(header: string): { type: string; value: string; module?: string } {
  const match = HEADER.exec(header.trim());
  if (!match) return { type: 'Throwable', value: header.trim() };
  const [, qualified, value] = match;
  const dot = qualified.lastIndexOf('.');
  return { type: qualified.slice(dot + 1), value: (value ?? '').trim(), module: qualified.slice(0, dot) };
}

/**
 * An `at` line's frame, read once per container (bounded): the same frames repeat in every occurrence of an error.
 * Only lines that start with `a` are looked up, so headers (which carry ids) do not fill the memo.
 */
const frameOfLine = boundedMemo((line: string): StackFrame | undefined => {
  const frame = JAVA_LINES.frame.pattern.exec(line);
  return frame ? javaFrame(frame[1], frame[2], frame[3]) : undefined;
}, 4096);

export function parseJavaStack(text: string): ExceptionInfo[] | undefined {
  const lines = splitLines(text);
  const blocks: Array<{ header: string; frames: StackFrame[] }> = [];
  let current: { header: string; frames: StackFrame[] } | undefined;
  let suppressedDepth: number | undefined;
  for (const line of lines) {
    const first = firstCodeOf(line);
    const caused = execGuarded(JAVA_LINES.causedBy, line, first);
    if (caused && !(suppressedDepth !== undefined && isSpace(line.charCodeAt(0)))) {
      suppressedDepth = undefined;
      current = { header: caused[1], frames: [] };
      blocks.push(current);
      continue;
    }
    if (testGuarded(JAVA_LINES.suppressed, line, first)) {
      suppressedDepth = firstNonSpace(line);
      continue;
    }
    if (suppressedDepth !== undefined && firstNonSpace(line) > suppressedDepth) continue;
    suppressedDepth = undefined;
    const frame = JAVA_LINES.frame.mayMatch(line, first) ? frameOfLine(line) : undefined;
    if (frame) {
      current?.frames.push(frame);
      continue;
    }
    if (testGuarded(JAVA_LINES.omitted, line, first)) continue;
    if (!current && HEADER.test(line.trim())) {
      current = { header: line.trim(), frames: [] };
      blocks.push(current);
    } else if (current && current.frames.length === 0 && line.trim() !== '') {
      current.header += `\n${line}`;
    }
  }
  if (!blocks.some((block) => block.frames.length > 0)) return undefined;
  return packedMap(blocks, (block) => toException(block.header, block.frames)).reverse();
}

/**
 * Built field by field: spreading the header's two shapes was the slowest line of the parse. `newestFirst` is the
 * parse's own array, reversed in place.
 */
function toException(header: string, newestFirst: StackFrame[]): ExceptionInfo {
  const { type, value, module } = splitJavaHeader(header);
  const frames = newestFirst.reverse();
  return module !== undefined ? { type, value, module, frames } : { type, value, frames };
}
