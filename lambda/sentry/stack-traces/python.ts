import type { ExceptionInfo, StackFrame } from '../detected-error';
import { isInApp, shortPath } from './in-app';

/**
 * Python tracebacks: `Traceback (most recent call last):`, frames oldest-first as `  File "p", line N, in fn` with
 * the source line under each, then `module.Type: message`. Chained exceptions come as several blocks joined by
 * "The above exception was the direct cause of the following exception:" or "During handling of the above
 * exception, another exception occurred:"; the first block is the root cause, as Sentry wants.
 */

export const TRACEBACK_HEADER = 'Traceback (most recent call last):';
const CHAIN_SEPARATOR = /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/;
const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/;
const EXCEPTION_LINE = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?::\s?(.*))?$/;
/** Python 3.11+ underlines the failing expression; those lines carry nothing for us. */
const MARKER_LINE = /^\s*[~^]+\s*$/;

export function parsePythonFrameLine(file: string, lineno: string, fn: string | undefined, source?: string): StackFrame {
  const filename = shortPath(file);
  const frame: { -readonly [K in keyof StackFrame]: StackFrame[K] } = { abs_path: file, filename, lineno: Number(lineno), in_app: isInApp('python', file) };
  if (fn) frame.function = fn.trim();
  if (file.endsWith('.py')) frame.module = filename.slice(0, -3).replace(/\//g, '.');
  if (source) frame.context_line = source.trim();
  return frame;
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

/** Parses a traceback (or several chained); `fallback` names the exception when the text has no final line. */
export function parsePythonTraceback(text: string, fallback?: { type: string; value: string }): ExceptionInfo[] | undefined {
  if (!text.includes(TRACEBACK_HEADER)) return undefined;
  const lines = text.split(/\r?\n/);
  const exceptions: ExceptionInfo[] = [];
  let frames: StackFrame[] | undefined;
  let pendingException: string[] = [];
  const close = () => {
    if (!frames) return;
    const named = pendingException.length > 0 ? splitPythonException(pendingException[0]) : undefined;
    const extra = pendingException.slice(1).join('\n').trim();
    const exception = named ?? fallback ?? { type: 'Exception', value: '' };
    exceptions.push({ ...exception, value: extra ? `${exception.value}\n${extra}` : exception.value, frames });
    frames = undefined;
    pendingException = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s*\|\s?/, (m) => (frames ? '' : m)); // exception groups indent with "| "
    if (line.trim() === TRACEBACK_HEADER) {
      close();
      frames = [];
      continue;
    }
    if (!frames) continue;
    if (CHAIN_SEPARATOR.test(line.trim())) {
      close();
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame && pendingException.length === 0) {
      const next = lines[i + 1];
      const hasSource = next !== undefined && /^\s{4,}\S/.test(next) && !FRAME.test(next) && !MARKER_LINE.test(next);
      frames.push(parsePythonFrameLine(frame[1], frame[2], frame[3], hasSource ? next : undefined));
      if (hasSource) i++;
      continue;
    }
    if (MARKER_LINE.test(line) || (line.trim() === '' && pendingException.length === 0)) continue;
    if (/^\S/.test(line) || pendingException.length > 0) pendingException.push(line);
  }
  close();
  return exceptions.length > 0 ? exceptions : undefined;
}
