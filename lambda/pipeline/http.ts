import { gzipSync } from 'node:zlib';
import { ConnectionPool, type ConnectionPoolOptions } from './http-connection-pool';
import { NetworkError, type HttpAnswer } from './http-connection';

export { NetworkError, type HttpAnswer } from './http-connection';

/**
 * Posting to a destination over keep-alive connections (one pool per origin per container, so a TLS handshake is
 * paid once per container rather than per event); bodies above a threshold are gzipped.
 *
 * Why not `node:http`: the Sentry forwarder sends one envelope per event, a couple of hundred small requests per
 * batch, and `node:http`'s per-request machinery (ClientRequest, agent bookkeeping, header objects, stream events)
 * costs more CPU than the rest of the forwarder's work on the event. A forwarder only ever needs one thing, a POST
 * with a known length and a small answer, so it writes the request in one `write` and reads the answer with a small
 * HTTP/1.1 parser (http-response-parser.ts); each connection keeps its listeners, parser and read buffer for its
 * whole life, and the socket reads into that buffer (`onread`) rather than handing a new chunk to a stream per read
 * (http-connection.ts). Measured on loopback, 1.5 KB envelopes, 8 in flight: about 52 µs of CPU per request for
 * `node:http` with a keep-alive agent once warm (~175 µs in a fresh process's first few hundred requests), about 15 µs
 * for this path (~60 µs).
 */

/** Below this a gzip costs more CPU than the bytes it saves on the wire. */
export const GZIP_THRESHOLD_BYTES = 8 * 1024;
/** Sockets per destination host per container; matches the highest delivery concurrency we allow. */
export const MAX_SOCKETS_PER_HOST = 32;
/** URLs whose pool and request line a client remembers. */
const MAX_REMEMBERED_URLS = 64;

export interface HttpPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
  /** @default GZIP_THRESHOLD_BYTES */
  readonly gzipAboveBytes?: number;
}

/**
 * POSTs over keep-alive connections, one pool per origin. The forwarders use one client per container
 * (`postWithKeepAlive`); tests make their own to trust a private CA or to look at the pools.
 */
export class HttpClient {
  private readonly pools = new Map<string, ConnectionPool>();
  /** Per URL (by href): its pool and request line, worked out on first use rather than per request. */
  private readonly targets = new Map<string, Target>();

  constructor(private readonly options: ConnectionPoolOptions = {}) {}

  post(request: HttpPost): Promise<HttpAnswer> {
    let target: Target;
    let bytes: string | Buffer;
    try {
      target = this.targetFor(request.url);
      const { body, gzip } = encodeBody(request.body, request.gzipAboveBytes ?? GZIP_THRESHOLD_BYTES);
      const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
      const lines = writeHeaderLines(gzip ? { ...request.headers, 'content-encoding': 'gzip' } : request.headers);
      const head = `${target.requestLine}${lines}content-length: ${length}\r\nconnection: keep-alive\r\n\r\n`;
      // One write per request: a small text body goes out with its head as one string, bytes after a Latin-1 head.
      bytes = typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head, 'latin1'), body]);
    } catch (error) {
      return Promise.reject(error);
    }
    // A free connection is used at once; only when all are busy does the request wait for one.
    const { pool } = target;
    const connection = pool.take();
    return connection ? connection.exchange(bytes, request.timeoutMs) : pool.acquire().then((free) => free.exchange(bytes, request.timeoutMs));
  }

  /** The pool for a URL's origin (created on first use). */
  poolFor(url: URL): ConnectionPool {
    const protocol = url.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') throw new NetworkError(`unsupported protocol ${url.protocol}`, 'EPROTO');
    const port = url.port === '' ? (protocol === 'https:' ? 443 : 80) : Number(url.port);
    // URL keeps IPv6 literals in brackets; sockets want them bare.
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const key = `${protocol}//${hostname}:${port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new ConnectionPool({ protocol, hostname, port }, MAX_SOCKETS_PER_HOST, this.options);
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes every idle connection. */
  closeIdle(): void {
    for (const pool of this.pools.values()) pool.closeIdle();
  }

  private targetFor(url: URL): Target {
    const href = url.href;
    let target = this.targets.get(href);
    if (!target) {
      // A forwarder posts to one or two URLs; a caller with ever-new URLs must not grow this without end.
      if (this.targets.size >= MAX_REMEMBERED_URLS) this.targets.clear();
      target = { pool: this.poolFor(url), requestLine: `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n` };
      this.targets.set(href, target);
    }
    return target;
  }
}

interface Target {
  readonly pool: ConnectionPool;
  /** The request line and Host header. */
  readonly requestLine: string;
}

const containerClient = new HttpClient();

/** POSTs with the container's shared keep-alive client. */
export function postWithKeepAlive(request: HttpPost): Promise<HttpAnswer> {
  return containerClient.post(request);
}

/** A body as sent: text below the threshold stays text (written with its head), anything above it is gzipped. */
function encodeBody(body: string | Uint8Array, gzipAboveBytes: number): { body: string | Buffer; gzip: boolean } {
  if (typeof body === 'string') {
    // A string's UTF-8 size is at most three bytes per character: most bodies are known small without measuring.
    if (body.length * 3 <= gzipAboveBytes || Buffer.byteLength(body, 'utf8') <= gzipAboveBytes) return { body, gzip: false };
    return { body: gzipSync(Buffer.from(body, 'utf8')), gzip: true };
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return bytes.length > gzipAboveBytes ? { body: gzipSync(bytes), gzip: true } : { body: bytes, gzip: false };
}

/** `name: value` lines. Header values are ours (never a log line's), but a CR or LF would still split a header. */
function writeHeaderLines(headers: Readonly<Record<string, string>>): string {
  let lines = '';
  for (const name in headers) {
    const value = headers[name];
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new NetworkError(`header ${JSON.stringify(name)} contains a line break`, 'EINVAL');
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}
