import fc from 'fast-check';
import { levelOfText, TEXT_PATTERNS } from '../../../lambda/sentry/classify-text';
import { normaliseMessage, VARYING } from '../../../lambda/sentry/fingerprint';
import { firstCodeOf, type GuardedPattern } from '../../../lambda/sentry/guarded-pattern';
import { levelFrom, type LevelVerdict } from '../../../lambda/sentry/levels';
import { GO_LINES } from '../../../lambda/sentry/stack-traces/go';
import { JAVA_LINES } from '../../../lambda/sentry/stack-traces/java';
import { firstNonSpace, isSpace, splitLines } from '../../../lambda/sentry/stack-traces/lines';
import { PYTHON_LINES } from '../../../lambda/sentry/stack-traces/python';
import { isV8FrameLine, V8_LINES } from '../../../lambda/sentry/stack-traces/v8';
import { nonBlankString, preferredFieldsReader, readEachWith } from '../../../lambda/pipeline/preferred-fields';
import { GO_PANIC, JAVA_CAUSED_BY, NODE_STACK, PYTHON_CHAINED } from '../../fixtures/logs/error-lines';

/**
 * The classifiers' fast paths agree with the plain code they stand in for: a cheap test in front of a regular
 * expression never rules out a text the expression matches, and the hand-written readers give what `split`, `\s`
 * and the regular expressions give.
 */

const RUNS = 2000;

/** Whitespace of every kind `\s` knows, and characters that sit next to it in real lines. */
const SPACES = [' ', '  ', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', '\r', '\v'];
const space = fc.constantFrom(...SPACES);

/** A seed line, then edits that keep it close to what the pattern expects: indents, inserted characters, cuts. */
function nearMisses(seeds: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.nat(), space).map(([at, s]) => (line: string) => line.slice(0, at % (line.length + 1)) + s + line.slice(at % (line.length + 1))),
    fc.tuple(fc.nat(), fc.string({ maxLength: 3 })).map(([at, s]) => (line: string) => line.slice(0, at % (line.length + 1)) + s + line.slice(at % (line.length + 1))),
    fc.nat().map((at) => (line: string) => line.slice(0, at % (line.length + 1)) + line.slice((at % (line.length + 1)) + 1)),
    space.map((s) => (line: string) => s + line),
    space.map((s) => (line: string) => line + s),
  );
  const joined = fc.tuple(fc.array(fc.constantFrom(...seeds), { minLength: 2, maxLength: 3 }), fc.constantFrom('', '\n', ' ')).map(([picked, joint]) => picked.join(joint));
  return fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...seeds), weight: 3 }, { arbitrary: joined, weight: 1 }), fc.array(edit, { maxLength: 3 })).map(([seed, edits]) =>
    edits.reduce((line, apply) => apply(line), seed),
  );
}

const TRACE_LINES = [NODE_STACK, JAVA_CAUSED_BY, PYTHON_CHAINED, GO_PANIC].flatMap((trace) => trace.split('\n'));

const SEEDS: Readonly<Record<string, readonly string[]>> = {
  python: [
    'Traceback (most recent call last):',
    '  File "/var/task/app.py", line 14, in lambda_handler',
    '  File "<frozen importlib._bootstrap>", line 1',
    '    ^^^^^^^^^',
    '    ~~~^~~~',
    'The above exception was the direct cause of the following exception:',
    'During handling of the above exception, another exception occurred:',
    '  | Traceback (most recent call last):',
    '  |   File "/x.py", line 1, in f',
  ],
  java: ['Caused by: java.sql.SQLException: boom', '\tSuppressed: a.b.C: x', '\t\tSuppressed: y', '\t... 5 more', '... 3 common frames omitted'],
  v8: ['  [cause]: Error: connect ETIMEDOUT', 'caused by: TypeError: x', 'Caused By: y', '    at f (/a.js:1:2) {', 'Error: x {', 'x {  '],
  go: ['panic: runtime error: invalid memory address', 'fatal error: all goroutines are asleep [recovered]', 'goroutine 1 [running]:', '\t/build/main.go:21 +0x65', '\t/x.go:3'],
  text: [
    'Task timed out after 3.00 seconds',
    'Error: Runtime exited with error: signal: killed',
    'Runtime.ImportModuleError: Unable to import module',
    'Runtime.ExitError',
    'Exception in thread "main" java.lang.IllegalStateException: bad',
    'time=x level=error msg="y"',
    'lvl=WARN',
    "severity='fatal'",
  ],
  fingerprint: [
    '2026-11-21T09:30:16.000Z',
    '2026-11-21 09:30:15,221+01:00',
    '5f1c2d3e-aaaa-4bbb-8ccc-0123456789ab',
    '0x7f3a9c',
    'deadbeef01',
    '[REDACTED:api-key]',
    'jane.doe@example.com',
    'AKIAABCDEFGHIJKLMNOP1234',
    '"cart/7"',
    "'quoted 1'",
    'order 8812',
    'a \t b',
  ],
};

const GUARDED: ReadonlyArray<readonly [string, GuardedPattern, readonly string[]]> = [
  ...Object.entries(PYTHON_LINES).map(([name, g]) => [`python ${name}`, g, SEEDS.python] as const),
  ...Object.entries(JAVA_LINES).map(([name, g]) => [`java ${name}`, g, SEEDS.java] as const),
  ...Object.entries(V8_LINES).map(([name, g]) => [`v8 ${name}`, g, SEEDS.v8] as const),
  ...Object.entries(GO_LINES).map(([name, g]) => [`go ${name}`, g, SEEDS.go] as const),
  ...Object.entries(TEXT_PATTERNS).map(([name, g]) => [`text ${name}`, g, SEEDS.text] as const),
  ...VARYING.map((g) => [`fingerprint ${g.replacement}`, g, SEEDS.fingerprint] as const),
];

describe('guarded patterns: the guard holds whenever the pattern matches', () => {
  test.each(GUARDED.map(([name, g, seeds]) => [name, g, seeds] as const))('%s', (_name, g, seeds) => {
    let matched = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: nearMisses(seeds), weight: 3 }, { arbitrary: nearMisses(TRACE_LINES), weight: 1 }), (text) => {
        // search() ignores the g flag's lastIndex: the pattern alone, as the reference.
        if (text.search(g.pattern) < 0) return;
        matched++;
        expect(g.mayMatch(text)).toBe(true);
        expect(g.mayMatch(text, firstCodeOf(text))).toBe(true);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches the pattern often enough for the property to mean something.
    expect(matched).toBeGreaterThan(RUNS / 50);
  });
});

describe('V8 frame lines', () => {
  test("a frame line starts with 'at': a line that starts otherwise is not looked up", () => {
    let frames = 0;
    fc.assert(
      fc.property(nearMisses(TRACE_LINES), (line) => {
        if (!isV8FrameLine(line)) return;
        frames++;
        expect(firstCodeOf(line)).toBe('a'.charCodeAt(0));
      }),
      { numRuns: RUNS },
    );
    expect(frames).toBeGreaterThan(RUNS / 50);
  });
});

describe('line reading', () => {
  const text = fc.array(fc.constantFrom('a', 'at x', '\r', '\n', '\r\n', ' ', '\t', '\u00a0'), { maxLength: 30 }).map((parts) => parts.join(''));

  test('splitLines gives what text.split(/\\r?\\n/) gives', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(splitLines(t)).toEqual(t.split(/\r?\n/));
      }),
      { numRuns: RUNS },
    );
  });

  test('isSpace is exactly \\s, for every UTF-16 unit', () => {
    const disagree: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (isSpace(code) !== /\s/.test(String.fromCharCode(code))) disagree.push(code);
    expect(disagree).toEqual([]);
  });

  test('firstNonSpace is text.search(/\\S/), and firstCodeOf the code there', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 8 })), (t) => {
        expect(firstNonSpace(t)).toBe(t.search(/\S/));
        expect(firstCodeOf(t)).toEqual(t.charCodeAt(t.search(/\S/)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('normaliseMessage with guards = every replacement applied', () => {
  test('same output as the unguarded chain of replacements', () => {
    const message = fc.oneof(nearMisses(SEEDS.fingerprint), fc.string({ maxLength: 60 }), nearMisses(TRACE_LINES));
    fc.assert(
      fc.property(fc.array(message, { maxLength: 4 }), (parts) => {
        const text = parts.join(' ');
        const end = text.indexOf('\n');
        let reference = (end < 0 ? text : text.slice(0, end)).slice(0, 800);
        for (const { pattern, replacement } of VARYING) reference = reference.replace(pattern, replacement);
        expect(normaliseMessage(text)).toBe(reference.trim().slice(0, 200));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('whitespace collapse', () => {
  test("the fingerprint's whitespace pattern changes a text as \\s+ → ' ' does", () => {
    const collapse = VARYING.find((part) => part.replacement === ' ')!;
    fc.assert(
      fc.property(fc.array(fc.oneof(space, fc.constantFrom('a', 'b c', '\n')), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(text.replace(collapse.pattern, ' ')).toBe(text.replace(/\s+/g, ' '));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('levelOfText reads words in place', () => {
  /** The reading it replaced: split into words, strip brackets, look each up. */
  const LEVEL_WORDS = new Map<string, LevelVerdict>(
    Object.entries({ ERROR: 'error', ERR: 'error', SEVERE: 'error', FATAL: 'fatal', CRITICAL: 'fatal', CRIT: 'fatal', PANIC: 'fatal', EMERG: 'fatal', ALERT: 'fatal', WARN: 'below-error', WARNING: 'below-error', INFO: 'below-error', DEBUG: 'below-error', TRACE: 'below-error', NOTICE: 'below-error' }),
  );
  function referenceLevel(firstLine: string): LevelVerdict {
    for (const word of firstLine.split(/\s+/, 6)) {
      const verdict = LEVEL_WORDS.get(word.replace(/^[[(<{|]+|[\])>}|:,-]+$/g, '')) ?? LEVEL_WORDS.get(/^([A-Z]+):/.exec(word)?.[1] ?? '');
      if (verdict) return verdict;
    }
    const logfmt = /(?:^|\s)(?:level|lvl|severity)=["']?([A-Za-z]+)/.exec(firstLine);
    return logfmt ? levelFrom(logfmt[1]) : 'unknown';
  }

  test('same verdict as splitting the line into words', () => {
    const word = fc.constantFrom(
      ...['ERROR', 'WARN', 'INFO', 'FATAL:', '[ERROR]', '(CRIT)', '<INFO>', '{DEBUG}', '|ALERT|', 'ERROR:x', '[[ERR', 'ERR]', 'WARN-', 'INFO,', 'ERRORS', '[ERROR][x]'],
      ...['Error', 'ER', 'START', 'Duration:', 'level=error', 'lvl=WARN', 'x', '[', ':', '2026-11-21', 'É', ''],
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(word, space), { maxLength: 10 }), (parts) => {
        const line = parts.map(([w, s]) => w + s).join('');
        expect(levelOfText(line)).toBe(referenceLevel(line));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('string fields read in one pass', () => {
  const KEYS = { logger: ['logger', 'loggerName', 'name'], requestId: ['requestId', 'request_id', 'reqId'], service: ['service', 'name'] } as const;
  const read = preferredFieldsReader(KEYS, readEachWith(KEYS, nonBlankString));
  /** The reading it replaced: a lookup per listed key, the first non-blank string wins. */
  const firstString = (json: Record<string, unknown>, keys: readonly string[]) =>
    keys.map((key) => json[key]).find((value): value is string => typeof value === 'string' && value.trim() !== '');

  test('each field is the first of its keys that holds a non-blank string', () => {
    const key = fc.constantFrom('logger', 'loggerName', 'name', 'requestId', 'request_id', 'reqId', 'service', 'other', 'msg');
    const value = fc.oneof(fc.constantFrom('', ' ', '\t', 'a', 'svc', 'req-1'), fc.integer(), fc.constant(null), fc.boolean(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 1 }));
    fc.assert(
      fc.property(fc.dictionary(key, value), (json) => {
        const fields = read(json as never);
        for (const field of Object.keys(KEYS) as Array<keyof typeof KEYS>) expect(fields[field]).toBe(firstString(json, KEYS[field]));
      }),
      { numRuns: RUNS },
    );
  });
});
