import fc from 'fast-check';
import { DEPTH_LIMIT_MARKER, MAX_JSON_BREADTH, MAX_JSON_DEPTH, MAX_JSON_LINE_CHARS, readJsonObject } from '../../../lambda/pipeline/safe-json';

describe('readJsonObject', () => {
  test('reads a pino line', () => {
    const line = '{"level":50,"time":1763717400123,"pid":8,"hostname":"ip-10-0-1-7","msg":"payment failed"}';
    expect(readJsonObject(line)).toEqual(JSON.parse(line));
  });

  test.each([
    ['plain text', 'ERROR something broke'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"x"'],
    ['broken JSON', '{"level":'],
    ['raw NUL inside a string', '{"msg":"a\u0000b"}'],
    ['empty', ''],
  ])('is undefined for %s', (_name, text) => {
    expect(readJsonObject(text)).toBeUndefined();
  });

  test('keeps escaped NUL bytes and lone surrogates as data', () => {
    expect(readJsonObject('{"msg":"a\\u0000b\\ud800"}')).toEqual({ msg: 'a\u0000b\ud800' });
  });

  test('cuts nesting deeper than the limit, without blowing the stack', () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const value = readJsonObject(deep);
    let depth = 0;
    let cursor: unknown = value;
    while (typeof cursor === 'object' && cursor !== null) {
      cursor = Array.isArray(cursor) ? cursor[0] : (cursor as Record<string, unknown>).a;
      depth++;
    }
    expect(depth).toBe(MAX_JSON_DEPTH);
    expect(cursor).toBe(DEPTH_LIMIT_MARKER);
    expect(() => JSON.stringify(value)).not.toThrow();
  });

  test('counts what is cut from very wide arrays', () => {
    const value = readJsonObject(JSON.stringify({ items: Array.from({ length: MAX_JSON_BREADTH + 5 }, (_, i) => i) }));
    const items = value?.items as unknown[];
    expect(items).toHaveLength(MAX_JSON_BREADTH + 1);
    expect(items[MAX_JSON_BREADTH]).toBe('[5 more items]');
  });

  test('refuses a line longer than one CloudWatch event', () => {
    expect(readJsonObject(`{"m":"${'x'.repeat(MAX_JSON_LINE_CHARS)}"}`)).toBeUndefined();
  });

  test('round-trips any JSON object within bounds and never throws (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        readJsonObject(text);
        readJsonObject(`{${text}`);
        return true;
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 })), (object) => {
        expect(readJsonObject(JSON.stringify(object))).toEqual(JSON.parse(JSON.stringify(object)));
      }),
      { numRuns: 1000 },
    );
  });
});
