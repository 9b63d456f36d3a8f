import type { ExceptionInfo, StackFrame } from '../detected-error';
import { isInApp, shortPath } from './in-app';

/**
 * V8 / Node.js stack traces (`Error.prototype.stack`): a header `Type: message` then `    at ...` lines, newest
 * first. Also reads cause chains as Node (`[cause]: Error: ...`) and pino (`caused by: Error: ...`) print them.
 */

const HEADER = /^(?:Uncaught )?((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Error|Exception|Rejection)|Error|[A-Z][\w$]*\.[A-Z][\w$]+)(?: \[([A-Z0-9_]+)\])?(?::\s?([\s\S]*))?$/;
const FRAME_LINE = /^\s*at\s+(.*)$/;
const CALL_SITE = /^(?:(async)\s+)?(?:(.*?)\s+\()?(.*?)(?::(\d+))?(?::(\d+))?\)?$/;

export function isV8FrameLine(line: string): boolean {
  return /^\s+at\s+\S/.test(line) && (/:\d+:\d+\)?\s*$/.test(line) || /\((?:native|<anonymous>|index \d+)\)\s*$/.test(line));
}

export function parseV8Frame(line: string): StackFrame | undefined {
  const at = FRAME_LINE.exec(line);
  if (!at) return undefined;
  const site = CALL_SITE.exec(at[1].trim());
  if (!site) return undefined;
  const [, , fn, location, lineno, colno] = site;
  const path = location ?? '';
  const isPath = lineno !== undefined || /^(?:native|<anonymous>)$/.test(path);
  const functionName = fn ?? (isPath ? undefined : path);
  const absPath = isPath ? path.replace(/^file:\/\//, '') : undefined;
  return {
    ...(functionName ? { function: functionName.replace(/^new /, '') } : {}),
    ...(absPath ? { abs_path: absPath, filename: shortPath(absPath) } : {}),
    ...(lineno ? { lineno: Number(lineno) } : {}),
    ...(colno ? { colno: Number(colno) } : {}),
    in_app: isInApp('node', absPath, functionName),
  };
}

/** Parses a stack string; undefined when it is not a V8 trace. */
export function parseV8Stack(stack: string): ExceptionInfo[] | undefined {
  const lines = stack.split(/\r?\n/);
  const blocks: Array<{ header: string[]; frames: StackFrame[] }> = [];
  let current: { header: string[]; frames: StackFrame[] } | undefined;
  for (const rawLine of lines) {
    // util.inspect appends ` {` to the last frame when the error has extra properties.
    const line = rawLine.trimEnd().replace(/\)\s+\{$/, ')');
    const cause = /^\s*(?:\[cause\]:|caused by:)\s*(.*)$/i.exec(line);
    if (cause && current) {
      current = { header: [cause[1]], frames: [] };
      blocks.push(current);
      continue;
    }
    if (isV8FrameLine(line)) {
      if (!current) return undefined;
      const frame = parseV8Frame(line);
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
  const exceptions = blocks
    .filter((block) => block.frames.length > 0 || blocks.length === 1)
    .map((block) => toException(block.header.join('\n'), block.frames));
  if (exceptions.length === 0 || exceptions.every((e) => e.frames.length === 0)) return undefined;
  // Node prints the primary error first and its causes after; Sentry wants the root cause first.
  return exceptions.reverse();
}

/** `TypeError: message` → type and value; anything else becomes an `Error` with the text as value. */
export function splitV8Header(header: string): { type: string; value: string } {
  const match = HEADER.exec(header.trim());
  if (!match) return { type: 'Error', value: header.trim() };
  const [, type, code, value] = match;
  return { type: code ? `${type} [${code}]` : type, value: (value ?? '').trim() };
}

function toException(header: string, newestFirst: StackFrame[]): ExceptionInfo {
  const { type, value } = splitV8Header(header.replace(/\s*\{\s*$/, ''));
  return { type, value, frames: [...newestFirst].reverse() };
}
