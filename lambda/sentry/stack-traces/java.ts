import { boundedMemo } from '../../pipeline/bounded-memo';
import type { ExceptionInfo, StackFrame } from '../detected-error';
import { isInApp } from './in-app';

/**
 * Java stack traces (`Throwable.printStackTrace`): `pkg.Type: message`, tab-indented `at pkg.Class.method(File.java:N)`
 * lines newest-first, `... N more`, and `Caused by:` blocks for each cause. Sentry wants the root cause first and
 * frames oldest-first, so both orders are reversed. `Suppressed:` blocks are side notes and are skipped.
 */

const HEADER = /^(?:Exception in thread "[^"]*"\s+)?((?:[a-zA-Z_$][\w$]*\.)+[A-Za-z_$][\w$]*)(?::\s?(.*))?$/;
const FRAME = /^\s*at\s+(?:[\w.$-]+(?:@[\w.-]+)?\/)?((?:[\w$]+\.)*[\w$]+)\.([\w$<>-]+)\(([^)]*)\)\s*(?:~?\[[^\]]*\])?\s*$/;
const CAUSED_BY = /^\s*Caused by:\s*(.*)$/;
const SUPPRESSED = /^\s+Suppressed:\s/;

export function javaFrame(className: string, method: string, location: string): StackFrame {
  const [file, line] = location.split(':');
  return {
    function: method,
    module: className,
    ...(file && !/^(?:Native Method|Unknown Source)$/.test(file) ? { filename: file } : {}),
    ...(line && /^\d+$/.test(line) ? { lineno: Number(line) } : {}),
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

/** An `at` line's frame, read once per container (bounded): the same frames repeat in every occurrence of an error. */
const frameOfLine = boundedMemo((line: string): StackFrame | undefined => {
  const frame = FRAME.exec(line);
  return frame ? javaFrame(frame[1], frame[2], frame[3]) : undefined;
}, 4096);

export function parseJavaStack(text: string): ExceptionInfo[] | undefined {
  const lines = text.split(/\r?\n/);
  const blocks: Array<{ header: string; frames: StackFrame[] }> = [];
  let current: { header: string; frames: StackFrame[] } | undefined;
  let suppressedDepth: number | undefined;
  for (const line of lines) {
    const caused = CAUSED_BY.exec(line);
    if (caused && !(suppressedDepth !== undefined && /^\s/.test(line))) {
      suppressedDepth = undefined;
      current = { header: caused[1], frames: [] };
      blocks.push(current);
      continue;
    }
    if (SUPPRESSED.test(line)) {
      suppressedDepth = line.search(/\S/);
      continue;
    }
    if (suppressedDepth !== undefined && line.search(/\S/) > suppressedDepth) continue;
    suppressedDepth = undefined;
    const frame = frameOfLine(line);
    if (frame) {
      current?.frames.push(frame);
      continue;
    }
    if (/^\s*\.\.\. \d+ (?:more|common frames omitted)/.test(line)) continue;
    if (!current && HEADER.test(line.trim())) {
      current = { header: line.trim(), frames: [] };
      blocks.push(current);
    } else if (current && current.frames.length === 0 && line.trim() !== '') {
      current.header += `\n${line}`;
    }
  }
  const withFrames = blocks.filter((block) => block.frames.length > 0);
  if (withFrames.length === 0) return undefined;
  return blocks
    .map((block) => ({ ...splitJavaHeader(block.header), frames: [...block.frames].reverse() }))
    .reverse();
}
