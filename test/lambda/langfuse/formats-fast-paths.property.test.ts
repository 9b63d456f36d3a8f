import fc from 'fast-check';
import { ENVELOPE_SPELLINGS, READ_ENVELOPE_FIELD, readEnvelope, type Envelope } from '../../../lambda/langfuse/formats/envelope';
import { isoToNs, isoToNsByPattern } from '../../../lambda/langfuse/formats/fields';

/**
 * The format readers' fast paths agree with the general code they stand in for: the char-code ISO reader gives what
 * the regular expression and `Date.parse` give, for ordinary timestamps and for near misses of every field; the
 * one-pass envelope reader picks, per field, what reading the field's spellings in order picks.
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

type Field = keyof typeof ENVELOPE_SPELLINGS;

/** Where each field lands in the envelope. */
const ENVELOPE_KEY: { readonly [F in Field]: keyof Envelope } = {
  start: 'startNs',
  end: 'endNs',
  latency: 'durationNs',
  trace: 'traceId',
  span: 'spanId',
  request: 'requestId',
  session: 'sessionId',
  user: 'userId',
  apiKey: 'apiKeyId',
  service: 'service',
  operation: 'operation',
  provider: 'provider',
  environment: 'environment',
  release: 'release',
  level: 'level',
  status: 'statusCode',
};

/** The reference: each field's spellings tried in order, the first usable one wins. */
function envelopeBySpellingOrder(source: Record<string, unknown>): Partial<Envelope> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(ENVELOPE_SPELLINGS) as Field[]) {
    let value: unknown;
    for (const key of ENVELOPE_SPELLINGS[field]) {
      value = READ_ENVELOPE_FIELD[field](source[key]);
      if (value !== undefined) break;
    }
    out[ENVELOPE_KEY[field]] = field === 'level' && typeof value === 'string' ? value.toUpperCase() : value;
  }
  return out;
}

const spelling = fc.constantFrom(...Object.values(ENVELOPE_SPELLINGS).flat(), 'model', 'usage', 'traceID', 'Timestamp');
/** Values each field accepts or rejects: blank, too long, numeric, times in every unit, statuses in and out of range. */
const envelopeValue = fc.oneof(
  fc.constantFrom(null, '', '  ', 'abc', ' padded ', 'x'.repeat(300), 0, -1, 99, 200, 503, 600, 1.5, 250.25, 1e9 * 90),
  fc.constantFrom(1_763_717_400, 1_763_717_400_123, 1_763_717_400_123_456_789, '2026-11-21T09:30:00.5Z', '2026-11-21 09:30:00+01:00'),
  fc.constantFrom('error', 'warn', 'info', 'critical', true, [], {}),
  isoLike,
  fc.jsonValue({ maxDepth: 1 }),
);

describe('readEnvelope', () => {
  it('picks per field what reading the spellings in order picks', () => {
    fc.assert(
      fc.property(fc.dictionary(spelling, envelopeValue, { maxKeys: 20 }), (source) => {
        const envelope = readEnvelope(source);
        expect({ ...envelope, tags: undefined, metadata: undefined }).toEqual({ ...envelopeBySpellingOrder(source), tags: undefined, metadata: undefined });
      }),
      { numRuns: RUNS },
    );
  });
});
