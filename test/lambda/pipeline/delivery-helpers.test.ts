import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { mapWithConcurrency } from '../../../lambda/pipeline/concurrency';
import { createDeadline } from '../../../lambda/pipeline/deadline';
import { GZIP_THRESHOLD_BYTES, NetworkError, postWithKeepAlive } from '../../../lambda/pipeline/http';
import { DEFAULT_RETRY_POLICY, fullJitterDelay, withRetries, type AttemptOutcome } from '../../../lambda/pipeline/retry';
import { parseRetryAfter } from '../../../lambda/pipeline/retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-21T09:30:00Z');
  test.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sat, 21 Nov 2026 09:30:30 GMT', 30_000],
    ['Sat, 21 Nov 2026 09:29:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('withRetries', () => {
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms) };
  };

  test('retries until done, with full-jitter waits below the exponential ceiling', async () => {
    const c = clock();
    const waits: number[] = [];
    const outcomes: AttemptOutcome<string>[] = [{ kind: 'retry', reason: 'HTTP 503' }, { kind: 'retry', reason: 'ECONNRESET' }, { kind: 'done', value: 'ok' }];
    const result = await withRetries(async () => outcomes.shift()!, createDeadline(60_000, c.now, 0), DEFAULT_RETRY_POLICY, {
      random: () => 0.999,
      sleep: async (ms) => {
        waits.push(ms);
        await c.sleep(ms);
      },
    });
    expect(result).toEqual({ ok: true, value: 'ok', attempts: 3 });
    expect(waits).toEqual([199, 399]);
  });

  test('full jitter never exceeds the cap', () => {
    for (let i = 0; i < 20; i++) expect(fullJitterDelay(i, DEFAULT_RETRY_POLICY, () => 0.9999)).toBeLessThan(DEFAULT_RETRY_POLICY.maxDelayMs);
  });

  test('honours a receiver wait, and stops when the wait would cross the deadline', async () => {
    const c = clock();
    const deadline = createDeadline(10_000, c.now, 0);
    const result = await withRetries(async () => ({ kind: 'retry', reason: 'HTTP 429', waitMs: 30_000 }), deadline, DEFAULT_RETRY_POLICY, { sleep: c.sleep });
    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 30_000, attempts: 1, reason: 'HTTP 429; no time left to retry' });
  });

  test('never starts an attempt without time for it, and gives each attempt only the time left', async () => {
    const c = clock();
    const deadline = createDeadline(3_000, c.now, 0);
    const timeouts: number[] = [];
    const result = await withRetries(
      async (timeoutMs) => {
        timeouts.push(timeoutMs);
        c.advance(timeoutMs);
        return { kind: 'retry', reason: 'timed out' };
      },
      deadline,
      DEFAULT_RETRY_POLICY,
      { sleep: c.sleep },
    );
    expect(timeouts).toEqual([3_000]);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(c.now()).toBeLessThanOrEqual(deadline.at);
  });

  test('stops at once on a give-up (400/413)', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      return { kind: 'give-up', reason: 'HTTP 413', retryable: false };
    }, createDeadline(60_000));
    expect(calls).toBe(1);
    expect(result).toMatchObject({ ok: false, retryable: false, reason: 'HTTP 413' });
  });

  test('gives up after maxAttempts', async () => {
    const result = await withRetries(async () => ({ kind: 'retry', reason: 'HTTP 502' }), createDeadline(60_000), { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 1 });
    expect(result).toMatchObject({ ok: false, attempts: 3, reason: 'HTTP 502; gave up after 3 attempts' });
  });
});

describe('createDeadline', () => {
  test('keeps the parking reserve back, but never more than half the time', () => {
    expect(createDeadline(60_000, () => 0, 8_000).at).toBe(52_000);
    expect(createDeadline(6_000, () => 0, 8_000).at).toBe(3_000);
  });
});

describe('mapWithConcurrency', () => {
  test('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([10, 2, 8, 4, 6, 0, 12]);
    expect(peak).toBe(3);
  });
});

describe('postWithKeepAlive', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ encoding?: string; body: string; socket: unknown }> = [];
  let mode: 'ok' | 'slow' | 'reset' = 'ok';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (mode === 'reset') return void req.socket.destroy();
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
        seen.push({ encoding: req.headers['content-encoding'], body, socket: req.socket });
        const answer = () => {
          res.writeHead(200, { 'retry-after': '7', 'x-sentry-rate-limits': '60:error:organization' });
          res.end('{"id":"x"}');
        };
        if (mode === 'slow') setTimeout(answer, 500);
        else answer();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
    mode = 'ok';
  });

  test('sends small bodies plain and large ones gzipped, over one kept-alive socket', async () => {
    const small = await postWithKeepAlive({ url: new URL(`${base}/a`), headers: { 'content-type': 'text/plain' }, body: 'hello', timeoutMs: 2000 });
    const large = 'x'.repeat(GZIP_THRESHOLD_BYTES + 1);
    await postWithKeepAlive({ url: new URL(`${base}/a`), headers: {}, body: large, timeoutMs: 2000 });
    expect(small).toEqual({ status: 200, headers: expect.objectContaining({ 'retry-after': '7', 'x-sentry-rate-limits': '60:error:organization' }), body: '{"id":"x"}' });
    expect(seen.map((s) => [s.encoding, s.body.length])).toEqual([
      [undefined, 5],
      ['gzip', GZIP_THRESHOLD_BYTES + 1],
    ]);
    expect(seen[0].socket).toBe(seen[1].socket);
  });

  test('times out a slow answer as a NetworkError', async () => {
    mode = 'slow';
    await expect(postWithKeepAlive({ url: new URL(base), headers: {}, body: 'x', timeoutMs: 100 })).rejects.toMatchObject({ name: 'NetworkError', code: 'ETIMEDOUT' });
  });

  test('reports a reset connection as a NetworkError', async () => {
    mode = 'reset';
    const error = await postWithKeepAlive({ url: new URL(base), headers: {}, body: 'x', timeoutMs: 2000 }).catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
  });
});
