import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepAliveTimeoutMs } from '../../../lambda/pipeline/http-connection';
import { ConnectionPool } from '../../../lambda/pipeline/http-connection-pool';
import { HttpClient, NetworkError } from '../../../lambda/pipeline/http';

/**
 * The forwarders' HTTP client against real servers on 127.0.0.1: Node's own HTTP and HTTPS servers (what a
 * standard-conforming peer does) and raw TCP servers that answer byte for byte (what a misbehaving one does).
 */

const post = (client: HttpClient, url: string, body = '{}', headers: Record<string, string> = {}) =>
  client.post({ url: new URL(url), headers: { 'content-type': 'application/json', ...headers }, body, timeoutMs: 2000 });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: net.Server & { closeAllConnections?: () => void }): Promise<void> {
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
}

/**
 * A raw TCP server that answers every request it reads with `answer(n)` (n counts requests on the whole server;
 * `head` is the request's head as written, up to its blank line).
 */
async function rawServer(answer: (n: number, socket: net.Socket, head: string) => void) {
  const sockets = new Set<net.Socket>();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      // Our requests always carry a Content-Length; answer once head and body are in.
      const end = seen.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0);
      if (end >= 0 && seen.length >= end + 4 + length) {
        const head = seen.slice(0, end);
        seen = seen.slice(end + 4 + length);
        answer(++requests, socket, head);
      }
    });
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/ingest`, connections: () => sockets.size, close: async () => { for (const s of sockets) s.destroy(); await close(server); } };
}

/** Runs `use` with a fresh client, then closes the client's idle connections and the server, whatever happened. */
async function withClient(server: { close(): Promise<void> }, use: (client: HttpClient) => Promise<void>): Promise<void> {
  const client = new HttpClient();
  try {
    await use(client);
  } finally {
    client.closeIdle();
    await server.close();
  }
}

describe('HttpClient', () => {
  test('reuses one connection for sequential requests and sends what the caller gave', async () => {
    const seen: Array<{ socket: net.Socket; method?: string; url?: string; host?: string; type?: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push({ socket: req.socket, method: req.method, url: req.url, host: req.headers.host, type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"abc"}');
      });
    });
    const port = await listen(server);
    await withClient({ close: () => close(server) }, async (client) => {
      const first = await post(client, `http://127.0.0.1:${port}/api/1/envelope/?sentry_key=k`, 'one');
      await post(client, `http://127.0.0.1:${port}/api/1/envelope/?sentry_key=k`, 'two');
      expect(first).toMatchObject({ status: 200, body: '{"id":"abc"}', headers: { 'content-type': 'application/json' } });
      expect(seen.map(({ method, url, host, type, body }) => ({ method, url, host, type, body }))).toEqual([
        { method: 'POST', url: '/api/1/envelope/?sentry_key=k', host: `127.0.0.1:${port}`, type: 'application/json', body: 'one' },
        { method: 'POST', url: '/api/1/envelope/?sentry_key=k', host: `127.0.0.1:${port}`, type: 'application/json', body: 'two' },
      ]);
      expect(seen[0].socket).toBe(seen[1].socket);
      expect(client.poolFor(new URL(`http://127.0.0.1:${port}`)).size).toBe(1);
    });
  });

  test('an answer larger than a read arrives whole (up to the body cap), and its connection carries the next', async () => {
    // 200 KiB of UTF-8 text (multi-byte characters across read boundaries), far more than one read of the socket.
    const big = '{"detail":"' + 'quota überschritten – 配额 '.repeat(7000) + '"}';
    const server = await rawServer((n, socket) => {
      const body = n === 1 ? Buffer.from(big, 'utf8') : Buffer.from('{}');
      socket.write(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body);
    });
    await withClient(server, async (client) => {
      const first = await post(client, server.url);
      expect(first.status).toBe(429);
      expect(first.headers['retry-after']).toBe('7');
      // The body is kept up to 64 KiB: a prefix of the answer (a character cut at the cap decodes as U+FFFD).
      const keptBytes = Buffer.byteLength(first.body.replace(/\uFFFD$/, ''));
      expect(keptBytes).toBeGreaterThan(64 * 1024 - 4);
      expect(keptBytes).toBeLessThanOrEqual(64 * 1024);
      expect(big.startsWith(first.body.replace(/\uFFFD$/, ''))).toBe(true);
      expect((await post(client, server.url)).body).toBe('{}');
      expect(server.connections()).toBe(1);
    });
  });

  test('writes the caller\'s headers on every post, and refuses a header with a line break before writing anything', async () => {
    const heads: string[] = [];
    const server = await rawServer((_n, socket, head) => {
      heads.push(head);
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    const url = new URL(server.url);
    const headers = { 'content-type': 'application/x-sentry-envelope', 'x-sentry-auth': 'Sentry sentry_version=7' };
    await withClient(server, async (client) => {
      for (const body of ['one', 'two']) expect((await client.post({ url, headers, body, timeoutMs: 2000 })).status).toBe(200);
      expect(heads).toHaveLength(2);
      for (const head of heads) expect(head.split('\r\n').slice(2, 4)).toEqual(['content-type: application/x-sentry-envelope', 'x-sentry-auth: Sentry sentry_version=7']);
      // Refused every time, on a connection that stays clean.
      const injected = { ...headers, 'x-note': 'a\r\nx-injected: 1' };
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(client.post({ url, headers: injected, body: 'three', timeoutMs: 2000 })).rejects.toMatchObject({ name: 'NetworkError', code: 'EINVAL' });
      }
      expect(heads).toHaveLength(2);
      // Not a byte went out: the same connection carries the next request, and the server reads it as the third.
      expect((await client.post({ url, headers, body: 'four', timeoutMs: 2000 })).status).toBe(200);
      expect(heads).toHaveLength(3);
      expect(heads[2].split('\r\n').slice(0, 4)).toEqual(heads[0].split('\r\n').slice(0, 4));
      expect(server.connections()).toBe(1);
    });
  });

  test('reads a chunked answer and opens a new connection after Connection: close', async () => {
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      req.on('end', () => {
        res.shouldKeepAlive = false;
        res.writeHead(503);
        res.write('{"error":');
        setTimeout(() => res.end('"busy"}'), 5);
      });
    });
    const port = await listen(server);
    await withClient({ close: () => close(server) }, async (client) => {
      expect(await post(client, `http://127.0.0.1:${port}/`)).toMatchObject({ status: 503, body: '{"error":"busy"}' });
      expect(await post(client, `http://127.0.0.1:${port}/`)).toMatchObject({ status: 503 });
      expect(sockets.size).toBe(2);
    });
  });

  test('does not reuse a connection the server closed while it was idle', async () => {
    const server = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      setTimeout(() => socket.end(), 10); // an idle timeout the server never announced
    });
    await withClient(server, async (client) => {
      expect((await post(client, server.url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await post(client, server.url)).status).toBe(200);
      expect(client.poolFor(new URL(server.url)).size).toBe(1);
    });
  });

  test('a reset on an idle connection is absorbed, and the next request opens a new one', async () => {
    const server = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      setTimeout(() => socket.resetAndDestroy(), 10); // an RST: an 'error' on our idle socket, not a clean end
    });
    await withClient(server, async (client) => {
      expect((await post(client, server.url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.poolFor(new URL(server.url)).size).toBe(0);
      expect((await post(client, server.url)).status).toBe(200);
    });
  });

  test('stops reusing a connection just before the idle timeout the server announced', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('connection', () => connections++);
    server.keepAliveTimeout = 1000; // announced as Keep-Alive: timeout=1, which leaves no safe margin
    const port = await listen(server);
    await withClient({ close: () => close(server) }, async (client) => {
      await post(client, `http://127.0.0.1:${port}/`);
      await post(client, `http://127.0.0.1:${port}/`);
      expect(connections).toBe(2);
    });
    expect(keepAliveTimeoutMs('timeout=5, max=1000')).toBe(5000);
    expect(keepAliveTimeoutMs('max=1000')).toBeUndefined();
    expect(keepAliveTimeoutMs(undefined)).toBeUndefined();
  });

  test('a malformed answer is a NetworkError and its connection is dropped', async () => {
    const server = await rawServer((n, socket) => socket.write(n === 1 ? 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n{}' : 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    await withClient(server, async (client) => {
      await expect(post(client, server.url)).rejects.toMatchObject({ name: 'NetworkError', code: 'EPROTO' });
      expect((await post(client, server.url)).status).toBe(200);
      expect(server.connections()).toBe(2);
    });
  });

  test('a connection closed before any answer is a reset; a refused one keeps its code', async () => {
    const server = await rawServer((_n, socket) => socket.destroy());
    const client = new HttpClient();
    try {
      await expect(post(client, server.url)).rejects.toMatchObject({ name: 'NetworkError', code: 'ECONNRESET' });
    } finally {
      await server.close();
    }
    const unused = net.createServer();
    const port = await listen(unused);
    await close(unused);
    await expect(post(client, `http://127.0.0.1:${port}/`)).rejects.toMatchObject({ name: 'NetworkError', code: 'ECONNREFUSED' });
  });

  test('an answer slower than the timeout is ETIMEDOUT', async () => {
    const server = await rawServer(() => undefined);
    await withClient(server, async (client) => {
      await expect(client.post({ url: new URL(server.url), headers: {}, body: 'x', timeoutMs: 50 })).rejects.toMatchObject({ name: 'NetworkError', code: 'ETIMEDOUT' });
    });
  });

  test('a timed-out request takes its connection with it, so a late answer is never read as the next one', async () => {
    // The late answer to the first request arrives before the answer to the second: on a shared connection, the
    // second request would read it.
    const server = await rawServer((n, socket) => {
      const answer = (body: string) => () => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      setTimeout(answer(n === 1 ? 'late' : 'fresh'), n === 1 ? 150 : 200);
    });
    await withClient(server, async (client) => {
      await expect(client.post({ url: new URL(server.url), headers: {}, body: 'first', timeoutMs: 50 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(client.poolFor(new URL(server.url)).size).toBe(0);
      expect(await client.post({ url: new URL(server.url), headers: {}, body: 'second', timeoutMs: 2000 })).toMatchObject({ status: 200, body: 'fresh' });
      expect(server.connections()).toBe(2);
    });
  });

  test('bytes from the server on an idle connection retire it', async () => {
    const server = await rawServer((_n, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
      setTimeout(() => socket.write('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n'), 10);
    });
    await withClient(server, async (client) => {
      expect((await post(client, server.url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.poolFor(new URL(server.url)).size).toBe(0);
      expect((await post(client, server.url)).status).toBe(200);
      expect(server.connections()).toBe(2);
    });
  });

  test('a connection keeps one set of listeners however many requests it carries', async () => {
    const server = await rawServer((_n, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    await withClient(server, async (client) => {
      const pool = client.poolFor(new URL(server.url));
      /** Listener counts of every idle connection's socket. */
      const listenersOnIdle = () => {
        const connections = Array.from({ length: pool.size }, () => pool.take()!);
        const counts = connections.map((connection) => ['end', 'close', 'error'].map((name) => connection.socket.listenerCount(name)));
        for (const connection of connections) pool.release(connection, true);
        return counts;
      };
      await post(client, server.url);
      const [afterOne] = listenersOnIdle();
      // Ours: one each for end, close and error, over what Node puts on every socket (reads go to onread instead).
      const bare = new net.Socket();
      expect(afterOne).toEqual(['end', 'close', 'error'].map((name) => bare.listenerCount(name) + 1));
      bare.destroy();
      // No stream of chunks: the socket hands its reads to the connection's callback.
      expect(client.poolFor(new URL(server.url)).size).toBe(1);
      const connection = pool.take()!;
      expect(connection.socket.listenerCount('data')).toBe(0);
      pool.release(connection, true);
      for (let i = 0; i < 50; i++) await post(client, server.url);
      for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 8 }, () => post(client, server.url)));
      expect(server.connections()).toBe(8);
      expect(listenersOnIdle()).toEqual(Array.from({ length: 8 }, () => afterOne));
    });
  });

  test('refuses a protocol other than http and https', async () => {
    await expect(post(new HttpClient(), 'ftp://127.0.0.1/')).rejects.toMatchObject({ name: 'NetworkError', code: 'EPROTO' });
  });

  describe('over TLS', () => {
    let dir: string;
    let server: https.Server;
    let port: number;
    let cert: string;
    beforeAll(async () => {
      // A throwaway certificate for 127.0.0.1, made for this test run and deleted after it.
      dir = mkdtempSync(join(tmpdir(), 'http-client-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-length': '2' }).end('{}'));
      });
      port = await listen(server);
    });
    afterAll(async () => {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    });

    test('verifies the certificate: an untrusted one is refused', async () => {
      const error = await post(new HttpClient(), `https://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    });

    test('a trusted certificate carries requests over one kept-alive connection', async () => {
      let connections = 0;
      server.on('secureConnection', () => connections++);
      const client = new HttpClient({ ca: cert });
      try {
        expect((await post(client, `https://127.0.0.1:${port}/otel`)).status).toBe(200);
        expect((await post(client, `https://127.0.0.1:${port}/otel`)).status).toBe(200);
        expect(connections).toBe(1);
      } finally {
        client.closeIdle();
      }
    });
  });
});

describe('ConnectionPool', () => {
  test('opens at most maxSockets connections; later callers wait for one to come back', async () => {
    let accepted = 0;
    const server = net.createServer(() => accepted++);
    const port = await listen(server);
    const pool = new ConnectionPool({ protocol: 'http:', hostname: '127.0.0.1', port }, 2);
    try {
      const first = await pool.acquire();
      const second = await pool.acquire();
      let thirdArrived = false;
      const third = pool.acquire().then((connection) => {
        thirdArrived = true;
        return connection;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(thirdArrived).toBe(false);
      expect(pool.take()).toBeUndefined();
      pool.release(first, true);
      const reused = await third;
      expect(reused).toBe(first);
      expect(pool.size).toBe(2);
      pool.release(second, false);
      pool.release(reused, true);
      expect(pool.size).toBe(1);
      expect(accepted).toBe(2);
    } finally {
      pool.closeIdle();
      await close(server);
    }
    expect(pool.size).toBe(0);
  });

  test('an idle connection past its announced timeout is not handed out', async () => {
    const server = net.createServer(() => undefined);
    const port = await listen(server);
    let now = 1_000_000;
    const pool = new ConnectionPool({ protocol: 'http:', hostname: '127.0.0.1', port }, 4, { now: () => now });
    try {
      const first = await pool.acquire();
      pool.release(first, true, 5000);
      now += 3000;
      expect(await pool.acquire()).toBe(first);
      pool.release(first, true, 5000);
      now += 4500; // within the last second of the server's 5 s
      const next = await pool.acquire();
      expect(next).not.toBe(first);
      expect(first.socket.destroyed).toBe(true);
      pool.release(next, false);
    } finally {
      pool.closeIdle();
      await close(server);
    }
  });
});
