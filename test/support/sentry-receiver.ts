import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { parseEnvelope } from '@sentry/core';

/**
 * A Sentry ingest endpoint on 127.0.0.1 that reads envelopes with `@sentry/core`'s own `parseEnvelope` and answers
 * from a script: 5xx, 429 with Retry-After and X-Sentry-Rate-Limits, slow answers, hung requests, connection resets.
 * An event counts as accepted only when the receiver answered it with a 2xx, the way Sentry would have stored it.
 */

export type Behaviour =
  | { readonly kind: 'ok'; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string> }
  /** Destroys the socket before answering: the client sees ECONNRESET / socket hang up. */
  | { readonly kind: 'reset' }
  /** Never answers (until the receiver closes): the client must time out. */
  | { readonly kind: 'hang' };

export interface ReceivedEnvelope {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly gzipped: boolean;
  readonly raw: Buffer;
  readonly header: Record<string, unknown>;
  readonly items: Array<[Record<string, unknown>, unknown]>;
  readonly answered: number | 'reset' | 'hang';
}

export interface SentryReceiver {
  readonly dsn: string;
  readonly requests: ReceivedEnvelope[];
  /** Event ids answered with a 2xx, with how often (more than once would be a duplicate in Sentry). */
  readonly accepted: Map<string, number>;
  readonly acceptedEvents: Array<Record<string, unknown>>;
  /** Behaviours for the next requests, in order; afterwards `fallback` (default: answer 200 at once). */
  script(...behaviours: Behaviour[]): void;
  /** Decide per request (e.g. by event id); takes precedence over the script when it returns a behaviour. */
  decide(rule: ((eventId: string, attempt: number) => Behaviour | undefined) | undefined): void;
  close(): Promise<void>;
}

export const PUBLIC_KEY = '0123456789abcdef0123456789abcdef';
export const PROJECT_ID = '4506';

export interface SentryReceiverOptions {
  /**
   * Keep only about this many of the latest requests and accepted events. A benchmark sends hundreds of thousands of
   * envelopes; kept whole, they grow the receiver's process by gigabytes, and its collections compete for the CPU
   * with the handler being measured.
   * @default - every request is kept
   */
  readonly retain?: number;
}

export async function startSentryReceiver(options: SentryReceiverOptions = {}): Promise<SentryReceiver> {
  const { retain } = options;
  /** Appends; past twice `retain`, drops the oldest down to `retain` (amortised, not a shift per request). */
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (retain !== undefined && list.length > 2 * retain) list.splice(0, list.length - retain);
  };
  const requests: ReceivedEnvelope[] = [];
  const accepted = new Map<string, number>();
  const acceptedEvents: Array<Record<string, unknown>> = [];
  const attempts = new Map<string, number>();
  let queue: Behaviour[] = [];
  let rule: ((eventId: string, attempt: number) => Behaviour | undefined) | undefined;
  const hung = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks);
      const gzipped = req.headers['content-encoding'] === 'gzip';
      const body = gzipped ? gunzipSync(raw) : raw;
      const [header, items] = parseEnvelope(new Uint8Array(body)) as unknown as [Record<string, unknown>, Array<[Record<string, unknown>, unknown]>];
      const eventId = String(header.event_id ?? '');
      const attempt = (attempts.get(eventId) ?? 0) + 1;
      attempts.set(eventId, attempt);
      const behaviour = rule?.(eventId, attempt) ?? queue.shift() ?? { kind: 'ok' };
      const record = (answered: ReceivedEnvelope['answered']) => keep(requests, { path: url.pathname, query: url.searchParams, gzipped, raw, header, items, answered });
      if (behaviour.kind === 'reset') {
        record('reset');
        req.socket.destroy();
        return;
      }
      if (behaviour.kind === 'hang') {
        record('hang');
        hung.add(res);
        return;
      }
      const answer = () => {
        const status = behaviour.kind === 'ok' ? 200 : behaviour.status;
        if (res.destroyed || req.socket.destroyed) return; // the client gave up: nothing was stored
        if (status >= 200 && status < 300) {
          accepted.set(eventId, (accepted.get(eventId) ?? 0) + 1);
          for (const [itemHeader, payload] of items) if (itemHeader.type === 'event') keep(acceptedEvents, payload as Record<string, unknown>);
        }
        record(status);
        // With its length, as Sentry's relay answers (Node would otherwise send it chunked).
        const answerBody = status < 300 ? JSON.stringify({ id: eventId }) : JSON.stringify({ detail: 'scripted' });
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answerBody), ...(behaviour.headers ?? {}) });
        res.end(answerBody);
      };
      if (behaviour.kind === 'ok' && behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    dsn: `http://${PUBLIC_KEY}@127.0.0.1:${port}/${PROJECT_ID}`,
    requests,
    accepted,
    acceptedEvents,
    script: (...behaviours) => {
      queue = [...behaviours];
    },
    decide: (next) => {
      rule = next;
    },
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
