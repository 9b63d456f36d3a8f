import * as http from 'node:http';
import * as https from 'node:https';
import { gzipSync } from 'node:zlib';

/**
 * Posting to a destination over keep-alive connections: one agent per protocol per container, so the TLS handshake
 * is paid once per container rather than per event. Bodies above a threshold are gzipped.
 */

/** Below this a gzip costs more CPU than the bytes it saves on the wire. */
export const GZIP_THRESHOLD_BYTES = 8 * 1024;
/** We read only status and headers that matter; a longer answer body is cut. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;
/** Sockets per destination host per container; matches the highest delivery concurrency we allow. */
export const MAX_SOCKETS_PER_HOST = 32;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
} as const;

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

export function postWithKeepAlive(request: HttpPost): Promise<HttpAnswer> {
  const raw = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body);
  const gzip = raw.length > (request.gzipAboveBytes ?? GZIP_THRESHOLD_BYTES);
  const body = gzip ? gzipSync(raw) : raw;
  const protocol = request.url.protocol as keyof typeof agents;
  const transport = protocol === 'https:' ? https : http;
  const agent = agents[protocol];
  if (!agent) return Promise.reject(new NetworkError(`unsupported protocol ${request.url.protocol}`, 'EPROTO'));
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = transport.request(
      request.url,
      {
        method: 'POST',
        agent,
        headers: { ...request.headers, 'content-length': String(body.length), ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
        timeout: request.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const headers: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(res.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BODY_BYTES) });
        });
        res.on('error', (error) => reject(toNetworkError(error)));
        res.on('aborted', () => reject(new NetworkError('response aborted', 'ECONNRESET')));
      },
    );
    // `timeout` only reports idle sockets; a slow answer is cut by the overall timer too.
    const timer = setTimeout(() => req.destroy(new NetworkError(`no answer within ${request.timeoutMs} ms`, 'ETIMEDOUT')), request.timeoutMs);
    req.on('timeout', () => req.destroy(new NetworkError(`socket idle for ${request.timeoutMs} ms`, 'ETIMEDOUT')));
    req.on('error', (error) => reject(toNetworkError(error)));
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}

function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: string }).code ?? 'ENETWORK';
  return new NetworkError(error instanceof Error ? error.message : String(error), code);
}
