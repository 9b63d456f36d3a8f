import * as net from 'node:net';
import * as tls from 'node:tls';

/**
 * Keep-alive connections to one origin (scheme, host, port), at most `maxSockets` at a time: a caller takes a
 * connection, sends one request, and gives it back reusable or not. Idle connections are unref'd (they never keep a
 * process alive) and dropped as soon as the server closes them or the idle time the server announced
 * (`Keep-Alive: timeout=N`) is nearly up, so a request is rarely written to a connection the server is closing.
 * TLS connections verify the certificate against the host name (Node's defaults) and offer only HTTP/1.1.
 */

export interface PooledSocket {
  readonly socket: net.Socket;
  /** True when this connection already carried a request. */
  readonly reused: boolean;
}

interface IdleSocket {
  readonly socket: net.Socket;
  /** Epoch ms after which the server may have closed it; undefined when the server announced no timeout. */
  readonly expiresAt: number | undefined;
  readonly onGone: () => void;
}

export interface ConnectionPoolOptions {
  /** Clock for idle expiry. @default Date.now */
  readonly now?: () => number;
  /** Certificate authorities to trust instead of Node's (a private CA); in Lambda, NODE_EXTRA_CA_CERTS adds to them. @default Node's bundled CAs */
  readonly ca?: string | Buffer;
}

/** Margin before the announced idle timeout at which we stop reusing a connection (clock skew, freeze and thaw). */
const EXPIRY_MARGIN_MS = 1000;

export class ConnectionPool {
  private readonly idle: IdleSocket[] = [];
  private readonly waiting: Array<() => void> = [];
  private open = 0;

  constructor(
    private readonly origin: { readonly protocol: 'http:' | 'https:'; readonly hostname: string; readonly port: number },
    private readonly maxSockets: number,
    private readonly options: ConnectionPoolOptions = {},
  ) {}

  /** A connection, reused when one is idle, else new; waits while `maxSockets` are busy. */
  async acquire(): Promise<PooledSocket> {
    for (;;) {
      const idle = this.takeIdle();
      if (idle) return { socket: idle, reused: true };
      if (this.open < this.maxSockets) {
        this.open++;
        return { socket: this.connect(), reused: false };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Gives a connection back. A reusable one waits idle for the next request (until `keepAliveMs` is nearly up, when
   * the server announced it); any other is destroyed.
   */
  release(socket: net.Socket, reusable: boolean, keepAliveMs?: number): void {
    if (reusable && !socket.destroyed && socket.writable) {
      const onGone = () => this.forget(socket);
      // A server that closes the connection, or speaks out of turn on it, makes it unusable.
      socket.on('close', onGone).on('end', onGone).on('error', onGone).on('data', onGone);
      socket.unref();
      const expiresAt = keepAliveMs === undefined ? undefined : this.now() + keepAliveMs - EXPIRY_MARGIN_MS;
      this.idle.push({ socket, expiresAt, onGone });
    } else {
      socket.destroy();
      this.open--;
    }
    this.waiting.shift()?.();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
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

  /** The most recently used idle connection that is still good: the warmest, and it lets older ones time out. */
  private takeIdle(): net.Socket | undefined {
    while (this.idle.length > 0) {
      const { socket, expiresAt, onGone } = this.idle.pop()!;
      socket.off('close', onGone).off('end', onGone).off('error', onGone).off('data', onGone);
      if (!socket.destroyed && socket.writable && (expiresAt === undefined || this.now() < expiresAt)) {
        socket.ref();
        return socket;
      }
      socket.destroy();
      this.open--;
    }
    return undefined;
  }

  private forget(socket: net.Socket): void {
    const index = this.idle.findIndex((idle) => idle.socket === socket);
    if (index < 0) return;
    const [gone] = this.idle.splice(index, 1);
    socket.off('close', gone.onGone).off('end', gone.onGone).off('error', gone.onGone).off('data', gone.onGone);
    socket.destroy();
    this.open--;
    this.waiting.shift()?.();
  }

  private connect(): net.Socket {
    const { protocol, hostname, port } = this.origin;
    const socket =
      protocol === 'https:'
        ? tls.connect({ host: hostname, port, servername: net.isIP(hostname) ? undefined : hostname, ALPNProtocols: ['http/1.1'], ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}) })
        : net.connect({ host: hostname, port });
    socket.setNoDelay(true);
    return socket;
  }
}

/** The `timeout` a server announced in `Keep-Alive: timeout=5, max=100`, in ms. */
export function keepAliveTimeoutMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /(?:^|[\s,])timeout=(\d{1,6})/i.exec(header);
  return match ? Number(match[1]) * 1000 : undefined;
}
