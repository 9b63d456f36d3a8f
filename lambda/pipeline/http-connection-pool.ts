import * as net from 'node:net';
import * as tls from 'node:tls';
import { HttpConnection, type ConnectionOwner } from './http-connection';

/**
 * Keep-alive connections to one origin (scheme, host, port), at most `maxSockets` at a time: a caller takes a
 * connection, sends one request on it, and the connection comes back reusable or not. Idle connections are unref'd
 * (they never keep a process alive) and dropped as soon as the server closes them or the idle time the server
 * announced (`Keep-Alive: timeout=N`) is nearly up, so a request is rarely written to a connection the server is
 * closing. TLS connections verify the certificate against the host name (Node's defaults) and offer only HTTP/1.1.
 */

export interface ConnectionPoolOptions {
  /** Clock for idle expiry. @default Date.now */
  readonly now?: () => number;
  /** Certificate authorities to trust instead of Node's (a private CA); in Lambda, NODE_EXTRA_CA_CERTS adds to them. @default Node's bundled CAs */
  readonly ca?: string | Buffer;
}

/** Margin before the announced idle timeout at which we stop reusing a connection (clock skew, freeze and thaw). */
const EXPIRY_MARGIN_MS = 1000;

export class ConnectionPool implements ConnectionOwner {
  private readonly idle: HttpConnection[] = [];
  private readonly waiting: Array<() => void> = [];
  private open = 0;

  constructor(
    private readonly origin: { readonly protocol: 'http:' | 'https:'; readonly hostname: string; readonly port: number },
    private readonly maxSockets: number,
    private readonly options: ConnectionPoolOptions = {},
  ) {}

  /** A connection now, reused when one is idle, else new; undefined while `maxSockets` are busy. */
  take(): HttpConnection | undefined {
    const idle = this.takeIdle();
    if (idle) return idle;
    if (this.open >= this.maxSockets) return undefined;
    this.open++;
    return new HttpConnection((onread) => this.connect(onread), this);
  }

  /** A connection, waiting while `maxSockets` are busy. */
  async acquire(): Promise<HttpConnection> {
    for (;;) {
      const connection = this.take();
      if (connection) return connection;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Gives a connection back. A reusable one waits idle for the next request (until `keepAliveMs` is nearly up, when
   * the server announced it); any other is destroyed.
   */
  release(connection: HttpConnection, reusable: boolean, keepAliveMs?: number): void {
    const socket = connection.socket;
    if (reusable && !socket.destroyed && socket.writable) {
      socket.unref();
      connection.expiresAt = keepAliveMs === undefined ? undefined : this.now() + keepAliveMs - EXPIRY_MARGIN_MS;
      this.idle.push(connection);
    } else {
      socket.destroy();
      this.open--;
    }
    this.waiting.shift()?.();
  }

  /** An idle connection the server closed, reset or spoke on out of turn: it is dropped. */
  forget(connection: HttpConnection): void {
    const index = this.idle.indexOf(connection);
    if (index < 0) return;
    this.idle.splice(index, 1);
    connection.socket.destroy();
    this.open--;
    this.waiting.shift()?.();
  }

  /** Connections open now, busy or idle (for tests and metrics). */
  get size(): number {
    return this.open;
  }

  /** Closes every idle connection. */
  closeIdle(): void {
    for (const { socket } of this.idle.splice(0)) {
      socket.destroy();
      this.open--;
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** The most recently used idle connection that is still good: the warmest, and it lets older ones time out. */
  private takeIdle(): HttpConnection | undefined {
    while (this.idle.length > 0) {
      const connection = this.idle.pop()!;
      const { socket, expiresAt } = connection;
      if (!socket.destroyed && socket.writable && (expiresAt === undefined || this.now() < expiresAt)) {
        socket.ref();
        return connection;
      }
      socket.destroy();
      this.open--;
    }
    return undefined;
  }

  /** `onread`: the socket reads into the connection's own buffer and calls it, instead of emitting a chunk per read. */
  private connect(onread: net.OnReadOpts): net.Socket {
    const { protocol, hostname, port } = this.origin;
    // tls.connect honours `onread` as net.connect does (Node's documentation); @types/node leaves it out of its options.
    const socket =
      protocol === 'https:'
        ? tls.connect({ host: hostname, port, ...({ onread } as tls.ConnectionOptions), servername: net.isIP(hostname) ? undefined : hostname, ALPNProtocols: ['http/1.1'], ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}) })
        : net.connect({ host: hostname, port, onread });
    socket.setNoDelay(true);
    return socket;
  }
}
