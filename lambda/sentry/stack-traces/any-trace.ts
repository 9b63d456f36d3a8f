import type { ExceptionInfo, Platform } from '../detected-error';
import { recentMemo } from '../recent-memo';
import { parseGoPanic } from './go';
import { parseJavaStack } from './java';
import { namePythonTraceback, readPythonTraceback, TRACEBACK_HEADER, type PythonTraceback } from './python';
import { parseV8Stack } from './v8';

/** Cheap whole-text tests that decide which parser to run (each parser then reads line by line). */
const INDENTED_AT = /\n[ \t]+at /;
const JAVA_FRAME = /\n[ \t]+at (?:[\w.$-]+(?:@[\w.-]+)?\/)?[\w$.]+\.[\w$<>-]+\([^)\n]*\)[ \t]*(?:~?\[[^\]\n]*\])?[ \t]*(?:\r?\n|$)/;
const V8_FRAME = /\n[ \t]+at [^\n]*?(?::\d+:\d+\)?|\((?:native|<anonymous>|index \d+)\))[ \t]*(?:\)\s+\{)?(?:\r?\n|$)/;

/**
 * Stacks parsed recently, by their text. A storm repeats one failure, and its stack (code locations, usually the
 * same message) comes back character for character on every occurrence; parsing it again was most of the cost of
 * a suppressed line. 512 stacks of up to 16 KB, 1 M characters in all, at most.
 */
const STACK_MEMO_LIMITS = { maxEntries: 512, maxInputChars: 16 * 1024, maxTotalChars: 1024 * 1024 } as const;

export interface ParsedTrace {
  readonly platform: Platform;
  /** Shared by every event whose stack has the same text: never mutated. */
  readonly exceptions: readonly ExceptionInfo[];
}

interface Recognised {
  readonly trace: ParsedTrace;
  /** A Python traceback with blocks that have no final exception line: a fallback names them. */
  readonly python?: PythonTraceback;
}

/** Recognises and parses whichever kind of stack trace a text holds; undefined when it holds none. */
export function parseAnyTrace(text: string, fallback?: { type: string; value: string }): ParsedTrace | undefined {
  // What none of the parsers would read is ruled out first, and not remembered.
  if (!text.includes(TRACEBACK_HEADER) && !text.includes('goroutine ') && !INDENTED_AT.test(text)) return undefined;
  const recognised = recognise(text);
  if (!recognised) return undefined;
  // The Lambda Python runtime's frames-only traceback is named by its errorType: in a copy, the parse is shared.
  if (fallback && recognised.python) return { platform: 'python', exceptions: namePythonTraceback(recognised.python, fallback) };
  return recognised.trace;
}

const recognise = recentMemo((text: string): Recognised | null => {
  if (text.includes(TRACEBACK_HEADER)) {
    const python = readPythonTraceback(text);
    if (python) return { trace: { platform: 'python', exceptions: python.exceptions }, ...(python.unnamed.length > 0 ? { python } : {}) };
  }
  if (text.includes('goroutine ')) {
    const exceptions = parseGoPanic(text);
    if (exceptions) return plain('go', exceptions);
  }
  if (!INDENTED_AT.test(text)) return null;
  const v8 = V8_FRAME.test(text);
  if (!v8 && JAVA_FRAME.test(text)) {
    const exceptions = parseJavaStack(text);
    if (exceptions) return plain('java', exceptions);
  }
  if (v8) {
    const exceptions = parseV8Stack(text);
    if (exceptions) return plain('node', exceptions);
  }
  return null;
}, STACK_MEMO_LIMITS);

function plain(platform: Platform, exceptions: readonly ExceptionInfo[]): Recognised {
  return { trace: { platform, exceptions } };
}
