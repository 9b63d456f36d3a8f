/**
 * The structured walk (`redactor.value`) is hand-optimised (for…in over fields, lazy array copies). These properties
 * hold it to a straightforward reference walk, kept here: same result, same key order, and the same references
 * wherever the reference leaves a subtree untouched (callers rely on copy-on-write).
 */
import fc from 'fast-check';
import { createRedactor, isSecretKey, type Redactor } from '../../../lambda/pipeline/redact';
import { looksLikeCardNumber } from '../../../lambda/pipeline/luhn';
import { setOwn } from '../../../lambda/pipeline/safe-json';
import type { JsonObject, JsonValue } from '../../../lambda/pipeline/types';

const SECRET_MARKER = '[REDACTED:secret]';
const CARD_MARKER = '[REDACTED:card]';

/** The walk as first written: Object.keys per object, map + some per array. Strings go through the same `text`. */
function referenceWalk(redactor: Redactor, value: JsonValue): JsonValue {
  const walk = (node: JsonValue): JsonValue => {
    if (typeof node === 'string') return redactor.text(node);
    if (typeof node === 'number') return node >= 1e12 && Number.isSafeInteger(node) && looksLikeCardNumber(String(node)) ? CARD_MARKER : node;
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      const items = node.map(walk);
      return items.some((item, index) => item !== node[index]) ? items : node;
    }
    let copy: JsonObject | undefined;
    const keys = Object.keys(node);
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index];
      const child = node[key];
      const next = isSecretKey(key) && child !== null && child !== '' && child !== SECRET_MARKER ? SECRET_MARKER : walk(child);
      const nextKey = key.length >= 20 || key.includes('@') ? redactor.text(key) : key;
      if (next === child && nextKey === key) {
        if (copy) setOwn(copy, key, child);
        continue;
      }
      if (!copy) {
        copy = {};
        for (let earlier = 0; earlier < index; earlier++) setOwn(copy, keys[earlier], node[keys[earlier]]);
      }
      setOwn(copy, nextKey, next);
    }
    return copy ?? node;
  };
  return walk(value);
}

/** Fails unless `actual` and `expected` (two redactions of `input`) agree in value, key order, prototype and sharing. */
function expectSameRedaction(actual: unknown, expected: unknown, input: unknown, path = '$'): void {
  if ((actual === input) !== (expected === input)) throw new Error(`${path}: shared with the input in one walk only`);
  if (expected === null || typeof expected !== 'object') {
    if (!Object.is(actual, expected)) throw new Error(`${path}: ${String(actual)} !== ${String(expected)}`);
    return;
  }
  if (actual === null || typeof actual !== 'object') throw new Error(`${path}: not an object`);
  if (Array.isArray(actual) !== Array.isArray(expected)) throw new Error(`${path}: array in one walk only`);
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) throw new Error(`${path}: prototypes differ`);
  const keys = Object.keys(expected);
  expect(Object.keys(actual)).toEqual(keys);
  const from = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  for (const key of keys) {
    const inputChild = Object.prototype.hasOwnProperty.call(from, key) ? from[key] : undefined;
    expectSameRedaction((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], inputChild, `${path}.${key}`);
  }
}

const KEYS = ['password', 'api_key_id', 'max_tokens', 'note', 'content', 'role', 'x', '0', '7', '__proto__', 'bob@example.com', 'header_sk-proj-abcdefghijklmnopqrstuvwx', 'a_perfectly_ordinary_long_key'];
const STRINGS = ['', 'gpt-4o', 'assistant', 'mail bob@example.com', 'sk-proj-abcdefghijklmnopqrstuvwxyz12', '[REDACTED:secret]', 'Bearer abcdefgh12345678', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'plain words only'];

/** JSON-like values, objects sometimes on no prototype or carrying an own `__proto__` key, as parsed JSON can. */
const jsonish: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.constantFrom(...STRINGS), fc.string({ maxLength: 50 })),
    fc.oneof(fc.integer(), fc.constantFrom(4111111111111111, 378282246310005, 123456789012, 1e13, -4111111111111111, 0.5)),
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .tuple(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 25 })), tie('value')), { maxLength: 6 }), fc.boolean())
      .map(([entries, bare]) => {
        const object = (bare ? Object.create(null) : {}) as JsonObject;
        for (const [key, child] of entries) setOwn(object, key, child);
        return object;
      }),
  ),
})).value;

describe('the structured walk against a reference walk', () => {
  const redactor = createRedactor({ extraPatterns: [/CUST-\d{4}/g] });

  test('property: same redaction, key order and shared subtrees (2,000 runs)', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        expectSameRedaction(redactor.value(value), referenceWalk(redactor, value), value);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: parsed JSON text redacts the same as the reference (1,000 runs)', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const parsed = JSON.parse(JSON.stringify(value)) as JsonValue;
        expectSameRedaction(redactor.value(parsed), referenceWalk(redactor, parsed), parsed);
      }),
      { numRuns: 1000 },
    );
  });

  test('an object on another prototype: only its own fields are walked, and it comes back itself when clean', () => {
    const inherited = Object.create({ password: 'from the prototype' }) as JsonObject;
    inherited.model = 'gpt-4o';
    expect(redactor.value(inherited)).toBe(inherited);
    inherited.note = 'mail bob@example.com';
    const out = redactor.value(inherited) as JsonObject;
    expectSameRedaction(out, referenceWalk(redactor, inherited), inherited);
    expect(Object.keys(out)).toEqual(['model', 'note']);
  });

  test('an enumerable key added to Object.prototype is not walked or copied into a redacted object', () => {
    const value = JSON.parse('{"a":"mail bob@example.com","b":{"c":1}}') as JsonObject;
    Object.defineProperty(Object.prototype, 'polluted', { value: 'sk-proj-abcdefghijklmnopqrstuvwxyz12', enumerable: true, configurable: true });
    try {
      const out = redactor.value(value) as JsonObject;
      expectSameRedaction(out, referenceWalk(redactor, value), value);
      expect(Object.keys(out)).toEqual(['a', 'b']);
      expect(out.b).toBe(value.b);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
