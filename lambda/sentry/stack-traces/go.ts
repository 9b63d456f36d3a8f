import type { ExceptionInfo, StackFrame } from '../detected-error';
import { isInApp, shortPath } from './in-app';

/**
 * Go panics and fatal errors as the runtime prints them: `panic: message` (or `fatal error: message`), an optional
 * `[signal ...]` line, then per goroutine a `goroutine N [state]:` header and frame pairs, newest first:
 * `pkg.(*Type).Method(args)` then `\t/path/file.go:42 +0x1c`. Only the first (panicking) goroutine is read.
 */

const PANIC = /^(panic|fatal error): (.*?)(?: \[recovered\])?$/m;
const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:$/;
const LOCATION = /^\t(.+?):(\d+)(?: \+0x[0-9a-f]+)?$/;

export function isGoPanic(text: string): boolean {
  return PANIC.test(text) && /^goroutine \d+ \[/m.test(text);
}

export function goFrame(call: string, file: string, line: number): StackFrame {
  const name = call.replace(/\([^()]*\)$/, '');
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
  const panic = PANIC.exec(text);
  if (!panic || !isGoPanic(text)) return undefined;
  const lines = text.slice(panic.index).split(/\r?\n/);
  const frames: StackFrame[] = [];
  let inGoroutine = false;
  for (let i = 0; i < lines.length; i++) {
    if (GOROUTINE.test(lines[i])) {
      if (inGoroutine) break;
      inGoroutine = true;
      continue;
    }
    if (!inGoroutine) continue;
    const location = LOCATION.exec(lines[i + 1] ?? '');
    if (lines[i].trim() !== '' && !lines[i].startsWith('\t') && location) {
      frames.push(goFrame(lines[i].trim(), location[1], Number(location[2])));
      i++;
    } else if (lines[i].trim() === '' && frames.length > 0) {
      break;
    }
  }
  const [, kind, message] = panic;
  const runtimeError = /^runtime error: (.*)$/.exec(message);
  return [
    {
      type: kind === 'fatal error' ? 'fatal error' : runtimeError ? 'runtime.Error' : 'panic',
      value: runtimeError ? runtimeError[1] : message,
      frames: frames.reverse(),
    },
  ];
}
