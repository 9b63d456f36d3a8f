import { boundedMemo } from '../../../lambda/pipeline/bounded-memo';
import { retainedHeapBytes } from '../../support/retained-heap';

describe('boundedMemo', () => {
  test('computes each input once, remembers undefined answers, and stops remembering at its bound', () => {
    const calls: string[] = [];
    const memo = boundedMemo((input: string) => {
      calls.push(input);
      return input.startsWith('at ') ? input.slice(3) : undefined;
    }, 2);
    expect([memo('at a'), memo('at a'), memo('no frame'), memo('no frame'), memo('at c'), memo('at c')]).toEqual(['a', 'a', undefined, undefined, 'c', 'c']);
    // The third distinct input is past the bound: computed every time, never kept.
    expect(calls).toEqual(['at a', 'no frame', 'at c', 'at c']);
  });

  test('a remembered input does not keep alive the line it was cut from', () => {
    const memo = boundedMemo((input: string) => input.length, 100);
    const retained = retainedHeapBytes(() => {
      for (let i = 0; i < 20; i++) {
        const line = `${i} ${'x'.repeat(1_000_000)} at handler (/var/task/index.js:${i}:7)`;
        memo(line.slice(-40));
      }
    });
    // Twenty 1 MB lines would stay if the keys were views of them.
    expect(retained).toBeLessThan(5_000_000);
  });

  test('an answer that is the input itself does not keep alive the line either (redaction that found nothing)', () => {
    const memo = boundedMemo((input: string) => input, 100);
    const retained = retainedHeapBytes(() => {
      for (let i = 0; i < 20; i++) {
        const line = `${i} ${'x'.repeat(1_000_000)} at handler (/var/task/index.js:${i}:7)`;
        const cut = line.slice(-40);
        expect(memo(cut)).toBe(cut);
        expect(memo(cut)).toBe(cut); // the hit: the kept copy, equal to the input
      }
    });
    expect(retained).toBeLessThan(5_000_000);
  });

  test('an answer cut from the input does not keep alive the line either (a frame parsed from a stack line)', () => {
    const memo = boundedMemo((input: string) => ({ file: input.slice(input.indexOf('(') + 1, -1) }), 100);
    const retained = retainedHeapBytes(() => {
      for (let i = 0; i < 20; i++) {
        const line = `${i} ${'x'.repeat(1_000_000)}\n    at handler (/var/task/node_modules/orders/index.js:${i}:7)`;
        expect(memo(line.slice(line.indexOf('\n') + 1))).toEqual({ file: `/var/task/node_modules/orders/index.js:${i}:7` });
      }
    });
    // The paths are views of what they were cut from: of the lines, unless they were cut from the kept copies.
    expect(retained).toBeLessThan(5_000_000);
  });
});
