import fc from 'fast-check';
import {
  ANY_RULE_MAY_MATCH,
  createRedactor,
  TEXT_RULES,
  isSecretKey,
  MAX_REDACTED_VALUE_CHARS,
  parseExtraPatterns,
  RedactionConfigError,
} from '../../../lambda/pipeline/redact';

const redactor = createRedactor();
const redact = (text: string) => redactor.text(text);

describe('redaction of free text', () => {
  test.each([
    ['Authorization header', 'GET /v1 Authorization: Bearer abc.def-ghi_123456', 'abc.def-ghi_123456'],
    ['Basic credentials', 'auth failed for header Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['bare Bearer token', 'calling upstream with Bearer 9f8e7d6c5b4a39281706', '9f8e7d6c5b4a39281706'],
    ['OpenAI project key', 'openai error key=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['OpenAI key in prose', 'using sk-AbCdEfGhIjKlMnOpQrStUvWx1234 for the call', 'sk-AbCdEfGhIjKlMnOpQrStUvWx1234'],
    ['Langfuse secret key', 'langfuse init sk-lf-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'sk-lf-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
    ['Langfuse public key', 'langfuse init pk-lf-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'pk-lf-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
    ['AWS access key id', 'creds AKIAIOSFODNN7EXAMPLE loaded', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS secret key alone', 'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['AWS secret key field', 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['Sentry DSN', 'dsn is https://0123456789abcdef0123456789abcdef@o4505.ingest.us.sentry.io/4506', '0123456789abcdef0123456789abcdef'],
    ['URL with password', 'connecting to postgres://app:s3cr3t-pw@db.internal:5432/app', 's3cr3t-pw'],
    ['JWT', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'dozjgNryP4J3jVmNHl0w5N'],
    ['password=', 'login failed password=hunter2 user=bob', 'hunter2'],
    ['logfmt client_secret', 'level=error client_secret="abc def" msg=oops', 'abc def'],
    ['apiKey: value', 'config apiKey: 12345-abcde loaded', '12345-abcde'],
    ['x-api-key header', 'x-api-key: 0a1b2c3d4e5f', '0a1b2c3d4e5f'],
    ['JSON-in-text password', 'payload {"user":"bob","password":"hunter2"}', 'hunter2'],
    ['Python dict repr', "kwargs={'token': 'tok_live_abc', 'n': 1}", 'tok_live_abc'],
    ['Cookie header', 'Cookie: session=abc123; csrftoken=def456', 'def456'],
    ['e-mail address', 'reset link sent to jane.doe+test@example.co.uk today', 'jane.doe+test@example.co.uk'],
    ['Visa card', 'charge failed card 4111 1111 1111 1111 exp 12/29', '4111 1111 1111 1111'],
    ['Amex card with dashes', 'card=3782-822463-10005', '3782-822463-10005'],
    ['card followed by a short number', 'pan 4111111111111111 12', '4111111111111111'],
    ['private key', 'key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
  ])('%s', (_name, line, secret) => {
    const out = redact(line);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  test.each([
    ['zero errors', 'Processed batch: 0 errors, errorCount=0'],
    ['token counts', 'usage prompt_tokens=120 completion_tokens=30 max_tokens=256'],
    ['masked key id', 'api_key_id=sk-pr***a1b2'],
    ['epoch milliseconds and micros', 'time=1700000000000 t_us=1700000000123456'],
    ['a number that fails Luhn', 'order 4111111111111112 shipped'],
    ['a git SHA', 'deployed commit 3f786850e387550fdab836ed7e6dc881de23001b'],
    ['a UUID request id', 'RequestId: 8f507cfc-1a2b-4c3d-9e8f-0a1b2c3d4e5f'],
    ['a stack frame', '    at handler (/var/task/index.js:10:15)'],
    ['a Go module path', 'github.com/acme/api@v1.2.3/handler.go:42'],
    ['prose with Basic', 'Basic configuration loaded'],
  ])('keeps %s', (_name, line) => {
    expect(redact(line)).toBe(line);
  });

  test('keeps JSON valid when a bare JSON value is redacted', () => {
    const out = redact('{"password": 123456, "n": 1}');
    expect(JSON.parse(out)).toEqual({ password: '[REDACTED:secret]', n: 1 });
  });
});

describe('escaped quotes: JSON written inside a string (an error message quoting a log line)', () => {
  test.each([
    ['escaped value', 'parser bug at: {\\"msg\\":\\"login failed: password=\\\"hunter2\\\"\\"}'],
    ['escaped key and value', 'bad line {\\"password\\":\\"hunter2\\",\\"user\\":\\"u_1\\"}'],
  ])('%s: the secret is gone, the escaping intact', (_shape, line) => {
    const out = redactor.text(line);
    expect(out).not.toContain('hunter2');
    expect(out).toContain('[REDACTED:secret]');
  });

  test('a bare value starting with a backslash is still a secret', () => {
    expect(redactor.text('password=\\corp\\p4ss next=1')).toBe('password=[REDACTED:secret] next=1');
  });
});

describe('values longer than one bounded read', () => {
  const long = 'x'.repeat(MAX_REDACTED_VALUE_CHARS + 904) + 'TAILSECRET';

  test.each([
    ['bare key=value', `password=${long} next=1`, 'password=[REDACTED:secret] next=1'],
    ['double-quoted', `password="${long}" next=1`, 'password="[REDACTED:secret]" next=1'],
    ['single-quoted', `password='${long}' next=1`, "password='[REDACTED:secret]' next=1"],
    ['JSON written as text', `{"password":"${long}","user":"u_1"}`, '{"password":"[REDACTED:secret]","user":"u_1"}'],
  ])('%s: redacted to its end, nothing of it survives, what follows does', (_shape, line, expected) => {
    const out = redactor.text(line);
    expect(out).not.toContain('TAILSECRET');
    expect(out).not.toContain('xxxx');
    expect(out).toBe(expected);
  });

  test('an unterminated long quoted value is redacted up to the end of its line', () => {
    const out = redactor.text(`token="${long}\nnext line`);
    expect(out).toBe('token="[REDACTED:secret]"\nnext line');
  });
});

describe('redaction of JSON objects', () => {
  test('blanks whole values under secret keys and keeps counts and ids', () => {
    const out = redactor.json({
      credentials: { user: 'bob', pass: 'x' },
      headers: { Authorization: 'Bearer abc', 'x-request-id': 'r-1' },
      usage: { prompt_tokens: 10, total_tokens: 12 },
      session_id: 's-1',
      api_key_id: 'sk-pr***a1b2',
      card: 4111111111111111,
      note: 'mail bob@example.com',
    });
    expect(out).toEqual({
      credentials: '[REDACTED:secret]',
      headers: { Authorization: '[REDACTED:secret]', 'x-request-id': 'r-1' },
      usage: { prompt_tokens: 10, total_tokens: 12 },
      session_id: 's-1',
      api_key_id: 'sk-pr***a1b2',
      card: '[REDACTED:card]',
      note: 'mail [REDACTED:email]',
    });
  });

  test('numbers: a 13-digit Luhn-valid card is redacted, counts and 12-digit ids are not', () => {
    expect(redactor.json({ amex: 378282246310005, diners: 3056930009020004, visa13: 4222222222222, id: 123456789012, tokens: 4096, negative: -4111111111111111 })).toEqual({
      amex: '[REDACTED:card]',
      diners: '[REDACTED:card]',
      visa13: '[REDACTED:card]',
      id: 123456789012,
      tokens: 4096,
      negative: -4111111111111111,
    });
  });

  test('a short string is redacted the same on every read (its answer is remembered per redactor)', () => {
    const fresh = createRedactor({ extraPatterns: [/CUST-\d{4}/g] });
    for (let i = 0; i < 3; i++) expect(fresh.value(['bob@acme.io', 'CUST-1234', 'gpt-4o'])).toEqual(['[REDACTED:email]', '[REDACTED:custom]', 'gpt-4o']);
    expect(redactor.text('CUST-1234')).toBe('CUST-1234');
  });

  test('keeps a __proto__ key as data', () => {
    const parsed = JSON.parse('{"__proto__": {"password": "x"}, "a": 1}');
    const out = redactor.json(parsed);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"password":"[REDACTED:secret]"},"a":1}');
  });

  test.each([
    ['password', true], ['db_password', true], ['clientSecret', true], ['access_token', true], ['x-amz-security-token', true],
    ['apiKey', true], ['Set-Cookie', true], ['max_tokens', false], ['prompt_tokens', false], ['api_key_id', false],
    ['token_type', false], ['session_id', false], ['errorCount', false], ['author', false],
  ])('isSecretKey(%s) is %s', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });
});

describe('extra patterns per environment', () => {
  test('redacts what the environment adds', () => {
    const custom = createRedactor({ extraPatterns: parseExtraPatterns('["CUST-[0-9]{6}", "internal\\\\.acme\\\\.corp"]') });
    expect(custom.text('customer CUST-123456 on internal.acme.corp')).toBe('customer [REDACTED:custom] on [REDACTED:custom]');
  });

  test.each(['not json', '{"a":1}', '[1]', '["("]', '[""]'])('refuses %s rather than forward unredacted', (raw) => {
    expect(() => parseExtraPatterns(raw)).toThrow(RedactionConfigError);
  });

  test('treats unset as none', () => {
    expect(parseExtraPatterns(undefined)).toEqual([]);
    expect(parseExtraPatterns(' ')).toEqual([]);
  });
});

describe('redaction properties', () => {
  const filler = fc.string({ unit: fc.constantFrom(...'abc XYZ 019 .,:;-_/\n\t{}"\''.split('')), maxLength: 60 });
  const luhnCard = fc
    .tuple(fc.constantFrom('4', '51', '37', '6011'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 11 }))
    .map(([prefix, body]) => {
      const partial = (prefix + body.join('')).slice(0, 15);
      for (let check = 0; check <= 9; check++) {
        const candidate = partial + check;
        let sum = 0;
        for (let i = 0; i < candidate.length; i++) {
          let d = Number(candidate[candidate.length - 1 - i]);
          if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
          sum += d;
        }
        if (sum % 10 === 0) return candidate;
      }
      throw new Error('unreachable');
    });
  const alnum = (min: number, max: number) =>
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')), minLength: min, maxLength: max });
  const secret = fc.oneof(
    alnum(24, 48).map((s) => `sk-proj-${s}`),
    alnum(8, 36).map((s) => `sk-lf-${s}`),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('')), minLength: 16, maxLength: 16 }).map((s) => `AKIA${s}`),
    luhnCard,
    fc.tuple(alnum(3, 12), alnum(2, 10)).map(([user, domain]) => `${user}@${domain}.com`),
    fc.tuple(alnum(8, 20), alnum(8, 20)).map(([h, p]) => `eyJ${h}.eyJ${p}.${h}`),
    alnum(6, 30).map((v) => `password=${v}`),
  );

  test('an embedded secret never survives, wherever it sits (1,000 runs)', () => {
    fc.assert(
      fc.property(filler, secret, filler, (before, value, after) => {
        const line = `${before} ${value} ${after}`;
        const out = redact(line);
        const core = value.startsWith('password=') ? value.slice('password='.length) : value;
        return !out.includes(` ${core} `) && out.includes('[REDACTED');
      }),
      { numRuns: 1000 },
    );
  });

  test('redacting twice changes nothing (1,000 runs)', () => {
    fc.assert(
      fc.property(filler, secret, filler, (before, value, after) => {
        const once = redact(`${before} ${value} ${after}`);
        return redact(once) === once;
      }),
      { numRuns: 1000 },
    );
  });

  test('never throws and stays linear on hostile input (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        redact(text);
        return true;
      }),
      { numRuns: 1000 },
    );
    const hostile = `${'a'.repeat(200_000)} ${'1-'.repeat(50_000)} password=${'"'.repeat(10_000)} ${'A'.repeat(100_000)}@`;
    const started = Date.now();
    redact(hostile);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('JSON text stays valid JSON after redaction (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('password', 'token', 'note', 'max_tokens', 'apiKey', 'email'), fc.oneof(fc.string(), fc.integer(), secret)), (object) => {
        JSON.parse(redact(JSON.stringify(object)));
        return true;
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the combined pre-check', () => {
  // Pieces of every kind of secret the rules know, near misses, and filler, in any order and case.
  const piece = fc.oneof(
    fc.constantFrom(
      'Bearer abcdefgh12345678', 'Basic dXNlcjpwYXNzd29yZA==', 'Authorization: x', 'Cookie: a=b', 'password=hunter22', 'api_key="k-123456"',
      'sk-proj-abcdefghijklmnopqrstu', 'pk-lf-12345678', 'sk-lf-12345678', 'sntrys_abcdefghijklmnopqrstu', 'ghp_abcdefghijklmnopqrstuvwxyz0123',
      'xoxb-1234567890-abc', 'AKIAABCDEFGHIJKLMNOP', 'eyJhbGciOi.eyJzdWIiOi.c2ln', 'bob@example.com', 'https://user:pw@host/x',
      '4111 1111 1111 1111', '378282246310005', '-----BEGIN RSA PRIVATE KEY-----abc-----END RSA PRIVATE KEY-----', 'dsn: x', 'secret: y', 'token=z',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'the quick brown fox', '0 errors', 'errorCount=0', 'took 1234 ms', 'id 12345678901',
    ),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[A-Za-z0-9+/=@:. -]{0,50}$/),
  );
  const casing = fc.constantFrom((s: string) => s, (s: string) => s.toUpperCase(), (s: string) => s.toLowerCase());

  test('property: a string that fails it is left alone by every rule but the AWS secret key scan (3,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), casing, fc.constantFrom('', ' ', '\n', '"', '='), (pieces, recase, glue) => {
        const text = recase(pieces.join(glue));
        if (ANY_RULE_MAY_MATCH.test(text)) return;
        for (const rule of TEXT_RULES) if (rule.kind !== 'aws-secret-key') expect(rule.apply(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  test('a long string that fails it still has its AWS secret key redacted', () => {
    const line = 'values rotated: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEXYZ';
    expect(ANY_RULE_MAY_MATCH.test(line)).toBe(false);
    expect(createRedactor().text(line)).toBe('values rotated: [REDACTED:aws-secret-key]');
  });
});
