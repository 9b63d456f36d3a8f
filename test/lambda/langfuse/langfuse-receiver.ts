import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { OtlpExportRequest, OtlpSpan } from '../../../lambda/langfuse/otlp';
import { spansOf } from './otlp-reading';

/**
 * A Langfuse OTLP receiver on 127.0.0.1 for tests and the benchmark. It checks what Langfuse checks (path, Basic
 * auth, `x-langfuse-ingestion-version`, gzip or plain JSON), keeps every span it accepted, and answers each request
 * as the test scripts it: a status, a delay, or a connection reset. Like Langfuse, a 400 rejects the whole export.
 */

export type ScriptedAnswer =
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | { readonly kind: 'reset' }
  | { readonly kind: 'slow'; readonly delayMs: number; readonly then: ScriptedAnswer };

export interface ReceivedRequest {
  readonly index: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly wireBytes: number;
  readonly jsonBytes: number;
  readonly body: OtlpExportRequest | undefined;
  readonly spans: readonly OtlpSpan[];
  status: number | 'reset';
}

export interface LangfuseReceiver {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Spans accepted with a 2xx, in arrival order (a span accepted twice appears twice). */
  readonly accepted: OtlpSpan[];
  /** Decides the answer to each request; default 200. */
  script(answer: (request: ReceivedRequest) => ScriptedAnswer): void;
  close(): Promise<void>;
}

export const OK: ScriptedAnswer = { kind: 'status', status: 200, body: '{}' };

export async function startLangfuseReceiver(credentials: { publicKey: string; secretKey: string }): Promise<LangfuseReceiver> {
  const expectedAuth = `Basic ${Buffer.from(`${credentials.publicKey}:${credentials.secretKey}`).toString('base64')}`;
  const requests: ReceivedRequest[] = [];
  const accepted: OtlpSpan[] = [];
  let decide: (request: ReceivedRequest) => ScriptedAnswer = () => OK;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const reply = (status: number, body = '', headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body);
      };
      if (req.url !== '/api/public/otel/v1/traces' || req.method !== 'POST') return reply(404, '{"message":"not found"}');
      let json: string;
      try {
        json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire).toString('utf8') : wire.toString('utf8');
      } catch {
        return reply(400, '{"message":"bad gzip"}');
      }
      let body: OtlpExportRequest | undefined;
      try {
        body = JSON.parse(json) as OtlpExportRequest;
      } catch {
        body = undefined;
      }
      const request: ReceivedRequest = {
        index: requests.length,
        headers: req.headers,
        wireBytes: wire.length,
        jsonBytes: Buffer.byteLength(json),
        body,
        spans: body ? spansOf(body) : [],
        status: 0,
      };
      requests.push(request);
      const refuse = (status: number, message: string) => {
        request.status = status;
        reply(status, JSON.stringify({ message }));
      };
      if (req.headers.authorization !== expectedAuth) return refuse(401, 'Invalid credentials');
      if (req.headers['x-langfuse-ingestion-version'] !== '4') return refuse(400, 'expected ingestion version 4');
      if (body === undefined) return refuse(400, 'body is not JSON');
      const answer = (scripted: ScriptedAnswer) => {
        if (scripted.kind === 'reset') {
          request.status = 'reset';
          req.socket.destroy();
          return;
        }
        if (scripted.kind === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer(scripted.then);
          }, scripted.delayMs);
          timers.add(timer);
          return;
        }
        request.status = scripted.status;
        if (scripted.status >= 200 && scripted.status < 300) accepted.push(...request.spans);
        reply(scripted.status, scripted.body ?? '', scripted.headers);
      };
      answer(decide(request));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    script: (next) => {
      decide = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
