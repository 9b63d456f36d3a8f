import fc from 'fast-check';
import { isoToNs, isoToNsByPattern } from '../../../lambda/langfuse/formats/fields';

/**
 * The format readers' fast paths agree with the general code they stand in for: the char-code ISO reader gives what
 * the regular expression and `Date.parse` give, for ordinary timestamps and for near misses of every field.
 */

const RUNS = 3000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamps in the shape logs write, with each field sometimes pushed out of its range. */
const isoLike = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1999, max: 2101 }), fc.integer({ min: 0, max: 9999 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^\d{0,11}$/), { nil: undefined }),
    separator: fc.constantFrom('.', ','),
    dateTime: fc.constantFrom('T', ' ', 't'),
    zone: fc.constantFrom('Z', '', 'z', '+00:00', '-05:30', '+0530'),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.dateTime}${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.fraction === undefined ? '' : t.separator + t.fraction}${t.zone}`,
  );

/** An ISO timestamp with one character replaced, inserted or removed. */
const nearMiss = fc.tuple(isoLike, fc.nat(), fc.constantFrom('', ' ', 'x', '0', '9', '-', ':', '.', 'Z', '\u0660')).map(([iso, at, s]) => {
  const i = at % (iso.length + 1);
  return at % 2 === 0 ? iso.slice(0, i) + s + iso.slice(i + 1) : iso.slice(0, i) + s + iso.slice(i);
});

describe('isoToNs fast path', () => {
  it('agrees with the pattern reader on timestamps and near misses', () => {
    fc.assert(
      fc.property(fc.oneof(isoLike, nearMiss, fc.string({ maxLength: 40 })), (value) => {
        expect(isoToNs(value)).toBe(value.length > 40 ? undefined : isoToNsByPattern(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('reads the fraction to the nanosecond', () => {
    const startOfSecondNs = BigInt(Date.UTC(2026, 10, 21, 9, 30, 0)) * 1_000_000n;
    expect(isoToNs('2026-11-21T09:30:00.123456789Z')).toBe(startOfSecondNs + 123_456_789n);
    expect(isoToNs('2026-11-21T09:30:00,5Z')).toBe(startOfSecondNs + 500_000_000n);
  });
});
