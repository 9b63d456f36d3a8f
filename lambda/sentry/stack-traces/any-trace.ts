import type { ExceptionInfo, Platform } from '../detected-error';
import { isGoPanic, parseGoPanic } from './go';
import { isJavaFrameLine, parseJavaStack } from './java';
import { parsePythonTraceback, TRACEBACK_HEADER } from './python';
import { isV8FrameLine, parseV8Stack } from './v8';

export interface ParsedTrace {
  readonly platform: Platform;
  readonly exceptions: ExceptionInfo[];
}

/** Recognises and parses whichever kind of stack trace a text holds; undefined when it holds none. */
export function parseAnyTrace(text: string, fallback?: { type: string; value: string }): ParsedTrace | undefined {
  if (text.includes(TRACEBACK_HEADER)) {
    const exceptions = parsePythonTraceback(text, fallback);
    if (exceptions) return { platform: 'python', exceptions };
  }
  if (text.includes('goroutine ') && isGoPanic(text)) {
    const exceptions = parseGoPanic(text);
    if (exceptions) return { platform: 'go', exceptions };
  }
  const lines = text.split(/\r?\n/, 400);
  if (lines.some(isJavaFrameLine) && !lines.some(isV8FrameLine)) {
    const exceptions = parseJavaStack(text);
    if (exceptions) return { platform: 'java', exceptions };
  }
  if (lines.some(isV8FrameLine)) {
    const exceptions = parseV8Stack(text);
    if (exceptions) return { platform: 'node', exceptions };
  }
  return undefined;
}
