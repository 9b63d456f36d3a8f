import fc from 'fast-check';
import { HttpProtocolError, MAX_HEAD_BYTES, ResponseParser, type ParsedResponse } from '../../../lambda/pipeline/http-response-parser';

const CAP = 64;

/** Feeds `text` in the given pieces and returns the response once complete (or after `end()` when asked). */
function parse(pieces: readonly string[], options: { end?: boolean } = {}): { response: ParsedResponse | undefined; reusable: boolean } {
  const parser = new ResponseParser(CAP);
  let response: ParsedResponse | undefined;
  for (const piece of pieces) response = parser.push(Buffer.from(piece, 'latin1')) ?? response;
  if (options.end) response = parser.end();
  return { response, reusable: parser.reusable };
}

const asText = (response: ParsedResponse | undefined) => response && { status: response.status, headers: response.headers, body: response.body, keepAlive: response.keepAlive };

describe('ResponseParser', () => {
  test('reads a Content-Length answer, with header names in lower case and repeats joined', () => {
    const { response, reusable } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Sentry-Rate-Limits: 60:error\r\nx-sentry-rate-limits: 10:transaction\r\nRetry-After: 7\r\n\r\n{"id":"1"}']);
    expect(asText(response)).toEqual({
      status: 200,
      headers: { 'content-length': '10', 'x-sentry-rate-limits': '60:error, 10:transaction', 'retry-after': '7' },
      body: '{"id":"1"}',
      keepAlive: true,
    });
    expect(reusable).toBe(true);
  });

  test('a header named like an Object.prototype member is read as sent', () => {
    const { response } = parse(['HTTP/1.1 200 OK\r\nConstructor: a\r\n__proto__: b\r\ntoString: c\r\nContent-Length: 0\r\n\r\n']);
    expect({ ...response!.headers }).toEqual({ constructor: 'a', ['__proto__']: 'b', tostring: 'c', 'content-length': '0' });
    expect(Object.keys(response!.headers)).toEqual(['constructor', '__proto__', 'tostring', 'content-length']);
  });

  test('reads a chunked answer with chunk extensions and trailers', () => {
    const { response, reusable } = parse(['HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n']);
    expect(asText(response)).toMatchObject({ status: 400, body: 'hello, world', keepAlive: true });
    expect(reusable).toBe(true);
  });

  test('skips interim 1xx answers', () => {
    const { response } = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}']);
    expect(asText(response)).toMatchObject({ status: 202, body: '{}' });
  });

  test('an answer without length is read to the end of the connection, which is then not reused', () => {
    const parser = new ResponseParser(CAP);
    expect(parser.push(Buffer.from('HTTP/1.1 500 Internal Server Error\r\n\r\npart one, '))).toBeUndefined();
    expect(parser.push(Buffer.from('part two'))).toBeUndefined();
    expect(asText(parser.end())).toMatchObject({ status: 500, body: 'part one, part two', keepAlive: false });
    expect(parser.reusable).toBe(false);
  });

  test('204, 304 and Content-Length: 0 have no body', () => {
    for (const head of ['HTTP/1.1 204 No Content\r\n\r\n', 'HTTP/1.1 304 Not Modified\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']) {
      expect(parse([head]).response?.body.length).toBe(0);
    }
  });

  test('Connection: close and HTTP/1.0 without keep-alive end the connection', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(true);
  });

  test('bytes after the answer make the connection unusable', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n']).reusable).toBe(false);
    const parser = new ResponseParser(CAP);
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    expect(parser.reusable).toBe(true);
    parser.push(Buffer.from('x'));
    expect(parser.reusable).toBe(false);
  });

  test('keeps the body up to the cap and still reads the rest, so the connection stays usable', () => {
    const body = 'b'.repeat(CAP * 3);
    const { response, reusable } = parse([`HTTP/1.1 413 Payload Too Large\r\nContent-Length: ${body.length}\r\n\r\n`, body.slice(0, 100), body.slice(100)]);
    expect(response?.body.toString()).toBe('b'.repeat(CAP));
    expect(reusable).toBe(true);
  });

  test.each([
    ['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n'],
    ['a malformed header line', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
    ['differing Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
    ['a non-numeric Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a malformed chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX'],
  ])('refuses %s', (_what, text) => {
    expect(() => parse([text])).toThrow(HttpProtocolError);
  });

  test('the body is read as UTF-8, even when a character is split across reads', () => {
    const body = Buffer.from('{"detail":"quota überschritten – 配额"}', 'utf8');
    const head = Buffer.from(`HTTP/1.1 429 Too Many Requests\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1');
    const whole = Buffer.concat([head, body]);
    const cut = head.length + body.indexOf(0xc3) + 1; // inside the two bytes of "ü"
    const parser = new ResponseParser(CAP);
    expect(parser.push(whole.subarray(0, cut))).toBeUndefined();
    expect(parser.push(whole.subarray(cut))?.body).toBe('{"detail":"quota überschritten – 配额"}');
  });

  test('header values keep inner spaces and lose the surrounding ones', () => {
    const { response } = parse(['HTTP/1.1 429 Too Many Requests\r\nRetry-After: \t 60 \t\r\nX-Sentry-Rate-Limits:60:error;transaction:organization, 10::project\r\nContent-Length: 0\r\n\r\n']);
    expect(response?.headers).toEqual({ 'retry-after': '60', 'x-sentry-rate-limits': '60:error;transaction:organization, 10::project', 'content-length': '0' });
  });

  test('a header line with long runs of spaces inside and after its value reads like any other', () => {
    // Near the head's size cap. This checks the reading only; how long a hostile line takes is not a test's to time.
    const spaces = ' '.repeat(20_000);
    const { response } = parse([`HTTP/1.1 200 OK\r\nX-Padding:${spaces}a${spaces}b${spaces}\r\nContent-Length: 0\r\n\r\n`]);
    expect(response?.headers['x-padding']).toBe(`a${spaces}b`);
  });

  test('property: header lines read as name, colon and value trimmed of spaces and tabs, or refused', () => {
    // The reading spelled out: split at CRLF, the name up to the first colon must be a token, the value loses the
    // spaces and tabs around it (a bare CR or LF inside a line is kept, as part of the value).
    const reference = (lines: readonly string[]): Record<string, string> | 'refused' => {
      const headers: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = colon > 0 ? line.slice(0, colon) : '';
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return 'refused';
        const key = name.toLowerCase();
        const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
        headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
      }
      return headers;
    };
    // Mostly well-formed lines (a token, a colon, a value full of awkward characters), some of anything.
    const join = (parts: string[]) => parts.join('');
    const name = fc.array(fc.constantFrom('a', 'Z', '-', '_', '~', '9', 'x-Sentry', 'Retry-After', 'constructor', '__proto__'), { minLength: 1, maxLength: 4 }).map(join);
    const value = fc.array(fc.constantFrom('a', ':', ' ', '  ', '\t', '\r', '\n', ',', '=', '"', '\u00e9', '60:error'), { maxLength: 10 }).map(join);
    const wellFormed = fc.tuple(name, value).map(([n, v]) => `${n}:${v}`);
    const anything = fc.array(fc.constantFrom('a', 'Z', '-', ':', ' ', '\t', '\r', '\n', ',', '=', '"', '\u00e9', 'x-Sentry', 'Retry-After'), { maxLength: 12 }).map(join);
    const line = fc
      .oneof({ weight: 9, arbitrary: wellFormed }, { weight: 1, arbitrary: anything })
      .filter((text) => !text.includes('\r\n') && !text.endsWith('\r') && !text.startsWith('\n'));
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = `HTTP/1.1 204 No Content\r\n${lines.join('\r\n')}\r\n\r\n`;
        if (text.indexOf('\r\n\r\n') !== text.length - 4) return; // an empty line would end the head early
        const expected = reference(lines);
        let read: Record<string, string> | 'refused';
        try {
          read = { ...parse([text]).response!.headers };
        } catch (error) {
          expect(error).toBeInstanceOf(HttpProtocolError);
          read = 'refused';
        }
        expect(read).toEqual(expected === 'refused' ? expected : { ...expected });
        if (read !== 'refused') accepted++;
      }),
      { numRuns: 2000 },
    );
    // The reading itself is what is under test: most runs must be headers it accepts.
    expect(accepted).toBeGreaterThan(1000);
  });

  test('refuses a head over the limit instead of buffering it', () => {
    const parser = new ResponseParser(CAP);
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\n'));
    expect(() => parser.push(Buffer.from(`X-Long: ${'a'.repeat(MAX_HEAD_BYTES)}`))).toThrow(/head over/);
  });

  test('a connection that ends early is an error, not an answer', () => {
    const cut = (text: string) => {
      const parser = new ResponseParser(CAP);
      parser.push(Buffer.from(text));
      return () => parser.end();
    };
    expect(cut('')).toThrow(/before a response arrived/);
    expect(cut('HTTP/1.1 200 OK\r\nContent-Le')).toThrow(/before a response arrived/);
    expect(cut('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"id"')).toThrow(/before the response body ended/);
    expect(cut('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n')).toThrow(/before the response body ended/);
  });

  test('a repeated identical Content-Length is one length; differing ones are refused', () => {
    expect(asText(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}']).response)).toMatchObject({ body: '{}' });
    expect(asText(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}']).response)).toMatchObject({ body: '{}' });
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n{}'])).toThrow(/invalid Content-Length/);
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}'])).toThrow(/invalid Content-Length/);
  });

  test('reset readies a parser for the next answer on its connection, whatever the last one left behind', () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 5\r\n\r\nslow!',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 500 Internal Server Error\r\n\r\nuntil the end',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}and bytes out of turn',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n[1]\r\n0\r\n\r\n',
      `HTTP/1.1 200 OK\r\nContent-Length: ${CAP}\r\n\r\n${'x'.repeat(CAP)}`,
    ];
    const parser = new ResponseParser(CAP);
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le')); // cut short by a timeout
    for (const answer of answers) {
      parser.reset();
      expect(parser.started).toBe(false);
      let reused = parser.push(Buffer.from(answer, 'latin1'));
      if (!reused) reused = parser.end();
      const fresh = parse([answer], { end: answer.includes('until the end') });
      expect({ answer: asText(reused), reusable: parser.reusable }).toEqual({ answer: asText(fresh.response), reusable: fresh.reusable });
    }
  });

  test('property: however the bytes are split across reads, the answer is the same', () => {
    // 204 and 304 never carry a body (tested above).
    const status = fc.integer({ min: 200, max: 599 }).filter((code) => code !== 204 && code !== 304);
    const answers = fc.oneof(
      fc.record({ status, body: fc.string({ maxLength: 200 }) }).map(({ status, body }) => `HTTP/1.1 ${status} X\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nRetry-After: 3\r\n\r\n${body}`),
      fc
        .record({ status, chunks: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 6 }) })
        .map(({ status, chunks }) => `HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n\r\n${chunks.map((c) => `${Buffer.byteLength(c, 'latin1').toString(16)}\r\n${c}\r\n`).join('')}0\r\n\r\n`),
    );
    fc.assert(
      fc.property(answers, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const whole = parse([text]);
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length));
        const split = parse(pieces);
        expect(asText(split.response)).toEqual(asText(whole.response));
        expect(whole.response).toBeDefined();
        expect(split.reusable).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
