import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeSubscriptionData, decompressedBytesLimit, MAX_DECOMPRESSED_BYTES } from '../../../lambda/pipeline/decode';
import { CONTROL_MESSAGE, encodeAwsLogsData, subscriptionMessage } from '../../fixtures/logs/cloudwatch-payload';

describe('decodeSubscriptionData', () => {
  test('reads a DATA_MESSAGE, keeping CloudWatch ids and timestamps', () => {
    const message = subscriptionMessage({ events: [{ message: 'ERROR boom', timestamp: 1763717400123, id: '3770' }] });
    const result = decodeSubscriptionData(encodeAwsLogsData(message));
    expect(result).toEqual({
      ok: true,
      kind: 'data',
      batch: expect.objectContaining({ logGroup: '/aws/ecs/api/errors', owner: '123456789012', subscriptionFilters: ['central-logging-sentry'] }),
    });
    if (!result.ok || result.kind !== 'data') throw new Error('expected data');
    expect(result.batch.events).toEqual([
      { id: '3770', timestamp: 1763717400123, message: 'ERROR boom', logGroup: '/aws/ecs/api/errors', logStream: message.logStream, account: '123456789012' },
    ]);
  });

  test('accepts policyLevel and extractedFields', () => {
    const message = subscriptionMessage({
      policyLevel: 'ACCOUNT_LEVEL_POLICY',
      events: [{ message: '10.0.0.1 - GET /x 500', extractedFields: { ip: '10.0.0.1', status: '500' } }],
    });
    const result = decodeSubscriptionData(encodeAwsLogsData(message));
    if (!result.ok || result.kind !== 'data') throw new Error('expected data');
    expect(result.batch.policyLevel).toBe('ACCOUNT_LEVEL_POLICY');
    expect(result.batch.events[0].extractedFields).toEqual({ ip: '10.0.0.1', status: '500' });
  });

  test('inflates whatever size the gzip trailer announces: several gzip members, and a batch above the up-front chunk', () => {
    const events = (count: number, text: string) => Array.from({ length: count }, (_, i) => ({ message: `${text} ${i}`, id: String(i) }));
    const messageOf = (data: string) => {
      const result = decodeSubscriptionData(data);
      if (!result.ok || result.kind !== 'data') throw new Error(`expected data, got ${JSON.stringify(result)}`);
      return result.batch.events.map((e) => e.message);
    };
    // Two members: the trailer read is the last member's, which announces a fraction of the whole.
    const json = JSON.stringify(subscriptionMessage({ events: events(500, 'ERROR split across members') }));
    const cut = Math.floor(json.length / 2);
    const twoMembers = Buffer.concat([gzipSync(json.slice(0, cut)), gzipSync(json.slice(cut))]).toString('base64');
    expect(messageOf(twoMembers)).toEqual(events(500, 'ERROR split across members').map((e) => e.message));
    // 10 MB inflated: more than the 8 MiB one chunk may take, so zlib continues in further chunks.
    const large = subscriptionMessage({ events: events(40_000, 'ERROR '.padEnd(240, 'x')) });
    expect(JSON.stringify(large).length).toBeGreaterThan(9 * 1024 * 1024);
    expect(messageOf(encodeAwsLogsData(large))).toHaveLength(40_000);
  });

  test('skips a CONTROL_MESSAGE', () => {
    expect(decodeSubscriptionData(encodeAwsLogsData(CONTROL_MESSAGE))).toEqual({ ok: true, kind: 'control' });
  });

  test('an empty logEvents is a batch of nothing', () => {
    const result = decodeSubscriptionData(encodeAwsLogsData(subscriptionMessage({ events: [] })));
    expect(result).toMatchObject({ ok: true, kind: 'data', batch: { events: [] } });
  });

  test.each([
    ['not a string', 42, 'not-base64'],
    ['invalid base64', 'H4sI%%%not-base64', 'not-base64'],
    ['a character outside the alphabet, at a length base64 could have', `${encodeAwsLogsData(CONTROL_MESSAGE).slice(0, 40)}$AAA`, 'not-base64'],
    ['padding before the end', `H4==${encodeAwsLogsData(CONTROL_MESSAGE).slice(4)}`, 'not-base64'],
    ['base64 but not gzip', Buffer.from('{"messageType":"DATA_MESSAGE"}').toString('base64'), 'not-gzip'],
    ['truncated gzip', encodeAwsLogsData(subscriptionMessage({ events: [{ message: 'x'.repeat(5000) }] })).slice(0, 200), 'corrupt-gzip'],
    ['gzip of invalid JSON', gzipSync('{"messageType":').toString('base64'), 'not-json'],
    ['gzip of an array', gzipSync('[]').toString('base64'), 'bad-shape'],
    ['an event without a message', encodeAwsLogsData({ ...subscriptionMessage({ events: [] }), logEvents: [{ id: '1', timestamp: 1 }] }), 'bad-shape'],
    ['an unknown messageType', encodeAwsLogsData({ messageType: 'OTHER' }), 'bad-shape'],
  ])('fails with a reason on %s', (_name, data, reason) => {
    expect(decodeSubscriptionData(data)).toMatchObject({ ok: false, reason });
  });

  test('refuses a gzip bomb instead of inflating it', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DECOMPRESSED_BYTES + 1024, 0x20)).toString('base64');
    expect(decodeSubscriptionData(bomb)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  test('inflates up to the limit it is given, and names that limit when a batch is over it', () => {
    const json = JSON.stringify(subscriptionMessage({ events: [{ message: 'x'.repeat(10_000) }] }));
    const data = encodeAwsLogsData(json);
    const size = Buffer.byteLength(json);
    expect(decodeSubscriptionData(data, size)).toMatchObject({ ok: true, kind: 'data' });
    expect(decodeSubscriptionData(data, size - 1)).toEqual({ ok: false, reason: 'too-large', detail: `inflates beyond ${size - 1} bytes` });
  });

  test('keeps invalid UTF-8 and NUL bytes readable instead of failing', () => {
    const json = Buffer.concat([
      Buffer.from('{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":[],"logEvents":[{"id":"1","timestamp":1,"message":"bad '),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(' \\u0000 end"}]}'),
    ]);
    const result = decodeSubscriptionData(gzipSync(json).toString('base64'));
    if (!result.ok || result.kind !== 'data') throw new Error('expected data');
    expect(result.batch.events[0].message).toBe('bad \uFFFD(\uFFFD \u0000 end');
  });

  test('a line-wrapped payload (76 characters a line, as MIME writes base64) reads like the unwrapped one', () => {
    const data = encodeAwsLogsData(subscriptionMessage({ events: [{ message: 'ERROR boom', id: '3770' }] }));
    const wrapped = data.replace(/.{76}/g, '$&\r\n');
    expect(wrapped).not.toBe(data);
    expect(decodeSubscriptionData(wrapped)).toEqual(decodeSubscriptionData(data));
  });

  test('a payload in the URL-safe base64 alphabet reads as the same batch as in the standard one', () => {
    const message = subscriptionMessage({ events: Array.from({ length: 40 }, (_, i) => ({ message: `ERROR payment ${i} declined ~~~ ???`, id: String(3770 + i) })) });
    const standard = encodeAwsLogsData(message);
    const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
    expect(urlSafe).not.toBe(standard);
    expect(decodeSubscriptionData(urlSafe)).toEqual(decodeSubscriptionData(standard));
    expect(decodeSubscriptionData(urlSafe)).toMatchObject({ ok: true, kind: 'data' });
  });

  test('says not-base64 exactly when the text is not base64 (standard or URL-safe alphabet, whitespace ignored) (2,000 runs)', () => {
    const grammar = /^[A-Za-z0-9+/_-]*={0,2}$/;
    const isBase64 = (text: string) => {
      const compact = text.replace(/\s+/g, '');
      return compact.length % 4 === 0 && grammar.test(compact);
    };
    const char = fc.constantFrom(...'AQgw+/-_Hs4I=$%. \n'.split(''));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }).map((chars) => chars.join('')), (text) => {
        const result = decodeSubscriptionData(text);
        expect(!result.ok && result.reason === 'not-base64').toBe(!isBase64(text));
      }),
      { numRuns: 2000 },
    );
  });

  test('never throws, whatever arrives (1,000 runs)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('base64')),
          fc.jsonValue().map((value) => encodeAwsLogsData(JSON.stringify(value))),
          fc.anything(),
        ),
        (data) => {
          const result = decodeSubscriptionData(data);
          return result.ok || typeof result.reason === 'string';
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('decompressedBytesLimit', () => {
  test('the limit is 32 KiB per MiB of memory, up to the gzip-bomb guard', () => {
    expect(decompressedBytesLimit(128)).toBe(4 * 1024 * 1024);
    expect(decompressedBytesLimit(256)).toBe(8 * 1024 * 1024);
    expect(decompressedBytesLimit(10240)).toBe(32 * 1024 * 1024);
    expect(decompressedBytesLimit(undefined)).toBe(32 * 1024 * 1024);
  });
});
