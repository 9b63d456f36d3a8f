import fc from 'fast-check';
import { logEvent } from '../../../lambda/pipeline/log-event';
import { classify } from '../../../lambda/sentry/classify';
import { parseAnyTrace } from '../../../lambda/sentry/stack-traces/any-trace';
import { recentMemo } from '../../../lambda/sentry/recent-memo';
import { NODE_STACK } from '../../fixtures/logs/error-lines';
import { retainedHeapBytes } from '../../support/retained-heap';

describe('recentMemo', () => {
  test('answers what compute answers, computing a remembered input once', () => {
    const calls: string[] = [];
    const memo = recentMemo((input: string) => (calls.push(input), { length: input.length }), { maxEntries: 10, maxInputChars: 100, maxTotalChars: 1000 });
    expect(memo('abc')).toEqual({ length: 3 });
    expect(memo('abc')).toBe(memo('abc'));
    expect(calls).toEqual(['abc']);
  });

  test('remembers null answers too', () => {
    let calls = 0;
    const memo = recentMemo(() => (calls++, null), { maxEntries: 10, maxInputChars: 100, maxTotalChars: 1000 });
    memo('x');
    memo('x');
    expect(calls).toBe(1);
  });

  test('lets the oldest input go when full, by count and by characters, and never keeps a long input', () => {
    const calls: string[] = [];
    const memo = recentMemo((input: string) => (calls.push(input), {}), { maxEntries: 2, maxInputChars: 5, maxTotalChars: 8 });
    memo('a');
    memo('b');
    memo('c'); // 'a' leaves: two entries at most
    memo('b');
    memo('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
    calls.length = 0;
    memo('dddd');
    memo('eeee'); // 8 characters in all: what was there leaves
    memo('dddd');
    memo('eeee');
    memo('ffffff'); // longer than 5: computed every time, never kept
    memo('ffffff');
    expect(calls).toEqual(['dddd', 'eeee', 'ffffff', 'ffffff']);
  });

  test('a remembered input does not keep alive the line it was cut from', () => {
    const memo = recentMemo(() => ({}), { maxEntries: 100, maxInputChars: 1000, maxTotalChars: 100_000 });
    const retained = retainedHeapBytes(() => {
      for (let i = 0; i < 20; i++) {
        const line = `${i} ${'x'.repeat(1_000_000)} the stack at the end of the line ${i}`;
        memo(line.slice(-200));
      }
    });
    // Twenty 1 MB lines would stay if the keys were views of them.
    expect(retained).toBeLessThan(5_000_000);
  });

  test("an answer's strings cut from the input do not keep alive the line either (a parsed stack's paths)", () => {
    const memo = recentMemo((input: string) => ({ file: input.slice(input.indexOf('(') + 1, -1) }), { maxEntries: 100, maxInputChars: 1000, maxTotalChars: 100_000 });
    const retained = retainedHeapBytes(() => {
      for (let i = 0; i < 20; i++) {
        const line = `${i} ${'x'.repeat(1_000_000)}\nError: boom\n    at handler (/var/task/node_modules/orders/index.js:${i}:7)`;
        expect(memo(line.slice(line.indexOf('\n') + 1))).toEqual({ file: `/var/task/node_modules/orders/index.js:${i}:7` });
      }
    });
    expect(retained).toBeLessThan(5_000_000);
  });

  test('property: for any sequence of inputs, each answer equals a fresh computation (2,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), (inputs, maxEntries, maxTotalChars) => {
        const memo = recentMemo((input: string) => ({ input, reversed: [...input].reverse().join('') }), { maxEntries, maxInputChars: 4, maxTotalChars });
        for (const input of inputs) {
          expect(memo(input)).toEqual({ input, reversed: [...input].reverse().join('') });
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('remembered stacks', () => {
  const source = (message: string) => logEvent({ id: '1', timestamp: Date.UTC(2026, 10, 21, 9, 30), message, logGroup: '/aws/ecs/api/errors', logStream: 's', account: '1' });

  test('a remembered stack is not changed by the line that named its exception', () => {
    const framesOnly = 'Error\n    at charge (/var/task/src/charge.js:4:11)';
    const named = classify(source(JSON.stringify({ level: 'error', msg: 'x', err: { type: 'PaymentDeclined', message: 'card declined', stack: framesOnly } })))!;
    expect(named.exceptions.at(-1)).toMatchObject({ type: 'PaymentDeclined', value: 'card declined' });
    expect(parseAnyTrace(framesOnly)!.exceptions.at(-1)).toMatchObject({ type: 'Error', value: '' });
    const unnamed = classify(source(JSON.stringify({ level: 'error', msg: 'x', err: { message: 'y', stack: framesOnly } })))!;
    expect(unnamed.exceptions.at(-1)).toMatchObject({ type: 'Error', value: '' });
  });

  test("a Python traceback without its last line takes the caller's name, whether remembered or not", () => {
    const framesOnly = 'Traceback (most recent call last):\n  File "/var/task/app.py", line 14, in handler\n    render()';
    expect(parseAnyTrace(framesOnly)!.exceptions[0]).toMatchObject({ type: 'Exception', value: '' });
    expect(parseAnyTrace(framesOnly, { type: 'KeyError', value: "'vat'" })!.exceptions[0]).toMatchObject({ type: 'KeyError', value: "'vat'" });
    expect(parseAnyTrace(framesOnly)!.exceptions[0]).toMatchObject({ type: 'Exception', value: '' });
  });

  test('an Invoke Error report classifies the same, first time or remembered', () => {
    const report = `Invoke Error \t${JSON.stringify({ errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'amount')", stack: NODE_STACK.split('\n') })}`;
    const first = classify(source(`2026-11-21T09:30:11.204Z\t8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f\tERROR\t${report}`))!;
    const again = classify(source(`2026-11-21T09:30:12.204Z\t0b1c2d3e-1a2b-4c3d-9e8f-0a1b2c3d4e5f\tERROR\t${report}`))!;
    expect(first).toMatchObject({ message: "Invoke Error: TypeError: Cannot read properties of undefined (reading 'amount')", requestId: '8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f' });
    expect(again).toEqual({ ...first, timestamp: first.timestamp! + 1000, requestId: '0b1c2d3e-1a2b-4c3d-9e8f-0a1b2c3d4e5f' });
  });

  test('the same stack parses to equal results, first time or remembered', () => {
    const first = parseAnyTrace(`${NODE_STACK}\n`);
    expect(parseAnyTrace(`${NODE_STACK}\n`)).toEqual(first);
    expect(first!.exceptions[0].frames).toHaveLength(5);
  });
});
