import type * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConnectionPool, keepAliveTimeoutMs, type ConnectionPoolOptions } from './http-connection-pool';
import { HttpProtocolError, ResponseParser, type ParsedResponse } from './http-response-parser';

/**
 * Posting to a destination over keep-alive connections (one pool per origin per container, so a TLS handshake is
 * paid once per container rather than per event); bodies above a threshold are gzipped.
 *
 * Why not `node:http`: the Sentry forwarder sends one envelope per event, a couple of hundred small requests per
 * batch, and `node:http`'s per-request machinery (ClientRequest, agent bookkeeping, header objects, stream events)
 * costs more CPU than the rest of the forwarder's work on the event. A forwarder only ever needs one thing, a POST
 * with a known length and a small answer, so it writes the request in one `write` and reads the answer with a small
 * HTTP/1.1 parser (http-response-parser.ts). Measured on loopback, 220 requests: about 86 µs of CPU per request for
 * `node:http` with a keep-alive agent, about 36 µs for this path.
 */

/** Below this a gzip costs more CPU than the bytes it saves on the wire. */
export const GZIP_THRESHOLD_BYTES = 8 * 1024;
/** We read only status and headers that matter; a longer answer body is cut. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;
/** Sockets per destination host per container; matches the highest delivery concurrency we allow. */
export const MAX_SOCKETS_PER_HOST = 32;

export interface HttpPost {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  readonly timeoutMs: number;
  /** @default GZIP_THRESHOLD_BYTES */
  readonly gzipAboveBytes?: number;
}

export interface HttpAnswer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** A request that got no HTTP answer: refused, reset, timed out. Always worth a retry. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * POSTs over keep-alive connections, one pool per origin. The forwarders use one client per container
 * (`postWithKeepAlive`); tests make their own to trust a private CA or to look at the pools.
 */
export class HttpClient {
  private readonly pools = new Map<string, ConnectionPool>();

  constructor(private readonly options: ConnectionPoolOptions = {}) {}

  async post(request: HttpPost): Promise<HttpAnswer> {
    const { body, gzip } = encodeBody(request.body, request.gzipAboveBytes ?? GZIP_THRESHOLD_BYTES);
    const pool = this.poolFor(request.url);
    const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
    const head = requestHead(request.url, gzip ? { ...request.headers, 'content-encoding': 'gzip' } : request.headers, length);
    // One write per request: a small text body goes out with its head as one string, bytes after a Latin-1 head.
    const bytes = typeof body === 'string' ? head + body : Buffer.concat([Buffer.from(head, 'latin1'), body]);
    const { socket } = await pool.acquire();
    return exchange(pool, socket, bytes, request.timeoutMs);
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

/** The request line and headers. Values are ours (never a log line's), but a CR or LF would still split a header. */
function requestHead(url: URL, headers: Readonly<Record<string, string>>, contentLength: number): string {
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const name in headers) {
    const value = headers[name];
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new NetworkError(`header ${JSON.stringify(name)} contains a line break`, 'EINVAL');
    head += `${name}: ${value}\r\n`;
  }
  return `${head}content-length: ${contentLength}\r\nconnection: keep-alive\r\n\r\n`;
}

/** Writes the request in one go and reads its answer; the socket goes back to the pool, reusable or destroyed. */
function exchange(pool: ConnectionPool, socket: net.Socket, bytes: string | Buffer, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const parser = new ResponseParser(MAX_RESPONSE_BODY_BYTES);
    let settled = false;
    const finish = (outcome: { answer: HttpAnswer; reusable: boolean; keepAliveMs?: number } | { error: NetworkError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onError);
      if ('error' in outcome) {
        pool.release(socket, false);
        reject(outcome.error);
      } else {
        pool.release(socket, outcome.reusable, outcome.keepAliveMs);
        resolve(outcome.answer);
      }
    };
    const complete = (response: ParsedResponse, reusable: boolean) =>
      finish({ answer: { status: response.status, headers: response.headers, body: response.body }, reusable, keepAliveMs: keepAliveTimeoutMs(response.headers['keep-alive']) });
    const onData = (chunk: Buffer) => {
      try {
        const response = parser.push(chunk);
        if (response) complete(response, parser.reusable);
      } catch (error) {
        finish({ error: protocolError(error) });
      }
    };
    const onEnd = () => {
      try {
        complete(parser.end(), false);
      } catch (error) {
        finish({ error: parser.started ? protocolError(error) : new NetworkError('socket hang up: the connection closed before an answer', 'ECONNRESET') });
      }
    };
    const onClose = () => onEnd();
    const onError = (error: Error) => finish({ error: toNetworkError(error) });
    const timer = setTimeout(() => finish({ error: new NetworkError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT') }), timeoutMs);
    socket.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
    socket.write(bytes);
  });
}

function protocolError(error: unknown): NetworkError {
  return error instanceof HttpProtocolError ? new NetworkError(`malformed HTTP answer: ${error.message}`, 'EPROTO') : toNetworkError(error);
}

function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: string }).code ?? 'ENETWORK';
  return new NetworkError(error instanceof Error ? error.message : String(error), code);
}
