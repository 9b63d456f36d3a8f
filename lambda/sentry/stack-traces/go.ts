import type { ExceptionInfo, StackFrame } from '../detected-error';
import { execGuarded, guarded, testGuarded } from '../guarded-pattern';
import { isInApp, shortPath } from './in-app';
import { splitLines } from './lines';

/**
 * Go panics and fatal errors as the runtime prints them: `panic: message` (or `fatal error: message`), an optional
 * `[signal ...]` line, then per goroutine a `goroutine N [state]:` header and frame pairs, newest first:
 * `pkg.(*Type).Method(args)` then `\t/path/file.go:42 +0x1c`. Only the first (panicking) goroutine is read.
 */

/** The patterns tried on the text and its lines, each behind the literal it needs. */
export const GO_LINES = {
  panic: guarded(/^(panic|fatal error): (.*?)(?: \[recovered\])?$/m, (text) => text.includes('panic: ') || text.includes('fatal error: ')),
  goroutine: guarded(/^goroutine \d+ \[[^\]]*\]:$/, (text) => text.startsWith('goroutine ')),
  location: guarded(/^\t(.+?):(\d+)(?: \+0x[0-9a-f]+)?$/, (text) => text.startsWith('\t')),
} as const;
const GOROUTINE_START = /^goroutine \d+ \[/m;
const CALL_ARGUMENTS = /\([^()]*\)$/;
const RUNTIME_ERROR = /^runtime error: (.*)$/;

export function goFrame(call: string, file: string, line: number): StackFrame {
  const name = call.replace(CALL_ARGUMENTS, '');
  const lastSlash = name.lastIndexOf('/');
  const firstDot = name.indexOf('.', lastSlash + 1);
  const module = firstDot > 0 ? name.slice(0, firstDot) : undefined;
  const fn = firstDot > 0 ? name.slice(firstDot + 1) : name;
  return {
    function: fn,
    ...(module ? { module } : {}),
    abs_path: file,
    filename: shortPath(file),
    lineno: line,
    in_app: isInApp('go', name, file),
  };
}

export function parseGoPanic(text: string): ExceptionInfo[] | undefined {
  const panic = execGuarded(GO_LINES.panic, text);
  if (!panic || !GOROUTINE_START.test(text)) return undefined;
  const lines = splitLines(text.slice(panic.index));
  const frames: StackFrame[] = [];
  let inGoroutine = false;
  for (let i = 0; i < lines.length; i++) {
    if (testGuarded(GO_LINES.goroutine, lines[i])) {
      if (inGoroutine) break;
      inGoroutine = true;
      continue;
    }
    if (!inGoroutine) continue;
    const location = execGuarded(GO_LINES.location, lines[i + 1] ?? '');
    if (lines[i].trim() !== '' && !lines[i].startsWith('\t') && location) {
      frames.push(goFrame(lines[i].trim(), location[1], Number(location[2])));
      i++;
    } else if (lines[i].trim() === '' && frames.length > 0) {
      break;
    }
  }
  const [, kind, message] = panic;
  const runtimeError = RUNTIME_ERROR.exec(message);
  return [
    {
      type: kind === 'fatal error' ? 'fatal error' : runtimeError ? 'runtime.Error' : 'panic',
      value: runtimeError ? runtimeError[1] : message,
      frames: frames.reverse(),
    },
  ];
}
