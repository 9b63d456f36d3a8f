import type { ExceptionInfo, Platform } from '../detected-error';
import { parseGoPanic } from './go';
import { parseJavaStack } from './java';
import { parsePythonTraceback, TRACEBACK_HEADER } from './python';
import { parseV8Stack } from './v8';

/** Cheap whole-text tests that decide which parser to run (each parser then reads line by line). */
const INDENTED_AT = /\n[ \t]+at /;
const JAVA_FRAME = /\n[ \t]+at (?:[\w.$-]+(?:@[\w.-]+)?\/)?[\w$.]+\.[\w$<>-]+\([^)\n]*\)[ \t]*(?:~?\[[^\]\n]*\])?[ \t]*(?:\r?\n|$)/;
const V8_FRAME = /\n[ \t]+at [^\n]*?(?::\d+:\d+\)?|\((?:native|<anonymous>|index \d+)\))[ \t]*(?:\)\s+\{)?(?:\r?\n|$)/;

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
  if (text.includes('goroutine ')) {
    const exceptions = parseGoPanic(text);
    if (exceptions) return { platform: 'go', exceptions };
  }
  if (!INDENTED_AT.test(text)) return undefined;
  const v8 = V8_FRAME.test(text);
  if (!v8 && JAVA_FRAME.test(text)) {
    const exceptions = parseJavaStack(text);
    if (exceptions) return { platform: 'java', exceptions };
  }
  if (v8) {
    const exceptions = parseV8Stack(text);
    if (exceptions) return { platform: 'node', exceptions };
  }
  return undefined;
}
