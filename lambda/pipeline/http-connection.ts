import type * as net from 'node:net';
import { HttpProtocolError, ResponseParser, type ParsedResponse } from './http-response-parser';
import { describeError } from './unknown-values';

/**
 * One keep-alive connection and the request in flight on it (never more than one: no pipelining, which
 * intermediaries break). The socket's listeners and the response parser are set up once, when the connection opens,
 * rather than per request: a forwarder sends hundreds of small requests per batch over a handful of connections.
 * What the socket says goes to the request in flight; between requests, anything it says (the server closed or reset
 * the connection, or spoke out of turn) makes the connection unusable, and its owner is told.
 */

/** We read only status and headers that matter; a longer answer body is cut. */
const MAX_RESPONSE_BODY_BYTES = 64 * 1024;
/** Each connection reads into one buffer of its own; an answer larger than this arrives in several reads. */
const READ_BUFFER_BYTES = 16 * 1024;

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

/** Who holds a connection between requests (the pool). */
export interface ConnectionOwner {
  /** A request ended: the connection can carry the next one (idle for up to `keepAliveMs`), or is done for. */
  release(connection: HttpConnection, reusable: boolean, keepAliveMs?: number): void;
  /** The connection became unusable between requests. */
  forget(connection: HttpConnection): void;
}

interface InFlight {
  readonly resolve: (answer: HttpAnswer) => void;
  readonly reject: (error: NetworkError) => void;
  readonly timer: NodeJS.Timeout;
  readonly timeoutMs: number;
}

export class HttpConnection {
  private readonly parser = new ResponseParser(MAX_RESPONSE_BODY_BYTES);
  private inFlight: InFlight | undefined;
  /** The timer's callback, made once rather than per request. */
  private readonly onTimeout: () => void;
  /** Epoch ms after which the server may have closed it while idle; undefined when it announced no timeout. */
  expiresAt: number | undefined;

  readonly socket: net.Socket;

  /** @param connect opens the socket, handing its reads (into a buffer of ours, not a stream's chunks) to `onRead`. */
  constructor(
    connect: (onRead: net.OnReadOpts) => net.Socket,
    private readonly owner: ConnectionOwner,
  ) {
    this.onTimeout = () => this.fail(new NetworkError(`no answer within ${this.inFlight?.timeoutMs} ms`, 'ETIMEDOUT'));
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    // The parser copies what it needs out of the buffer at once, so the next read may overwrite it.
    const socket = connect({ buffer, callback: (length: number) => { this.onData(buffer, length); return true; } });
    this.socket = socket;
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onEnd());
    socket.on('error', (error: Error) => (this.inFlight ? this.fail(toNetworkError(error)) : this.owner.forget(this)));
  }

  /**
   * Writes a request in one go and reads its answer. The connection goes back to its owner before the answer is
   * handed on, reusable or not; after a timeout it is destroyed, so a late answer can never pass for the next one's.
   */
  exchange(bytes: string | Buffer, timeoutMs: number): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      // One request at a time: the pool hands a connection to one caller, and a second answer would be unmatched.
      if (this.inFlight) throw new Error('HTTP connection is busy: exchange called while a request is in flight');
      this.parser.reset();
      this.inFlight = { resolve, reject, timer: setTimeout(this.onTimeout, timeoutMs), timeoutMs };
      this.socket.write(bytes);
    });
  }

  private onData(chunk: Buffer, length: number): void {
    if (!this.inFlight) return this.owner.forget(this);
    let response: ParsedResponse | undefined;
    try {
      response = this.parser.push(chunk, length);
    } catch (error) {
      return this.fail(protocolError(error));
    }
    if (response) this.complete(response, this.parser.reusable);
  }

  /** The server ended or closed the connection: completes an answer framed by the end of the connection. */
  private onEnd(): void {
    if (!this.inFlight) return this.owner.forget(this);
    let response: ParsedResponse;
    try {
      response = this.parser.end();
    } catch (error) {
      return this.fail(this.parser.started ? protocolError(error) : new NetworkError('socket hang up: the connection closed before an answer', 'ECONNRESET'));
    }
    this.complete(response, false);
  }

  private complete(response: ParsedResponse, reusable: boolean): void {
    const { resolve, timer } = this.inFlight!;
    this.inFlight = undefined;
    clearTimeout(timer);
    this.owner.release(this, reusable, keepAliveTimeoutMs(response.headers['keep-alive']));
    resolve({ status: response.status, headers: response.headers, body: response.body });
  }

  private fail(error: NetworkError): void {
    const inFlight = this.inFlight;
    if (!inFlight) return;
    this.inFlight = undefined;
    clearTimeout(inFlight.timer);
    this.owner.release(this, false);
    inFlight.reject(error);
  }
}

/** The `timeout` a server announced in `Keep-Alive: timeout=5, max=100`, in ms. */
export function keepAliveTimeoutMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /(?:^|[\s,])timeout=(\d{1,6})/i.exec(header);
  return match ? Number(match[1]) * 1000 : undefined;
}

function protocolError(error: unknown): NetworkError {
  return error instanceof HttpProtocolError ? new NetworkError(`malformed HTTP answer: ${error.message}`, 'EPROTO') : toNetworkError(error);
}

function toNetworkError(error: unknown): NetworkError {
  if (error instanceof NetworkError) return error;
  const code = (error as { code?: string }).code ?? 'ENETWORK';
  return new NetworkError(describeError(error), code);
}
