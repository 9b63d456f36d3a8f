/**
 * An incremental HTTP/1.1 response reader: bytes in as the socket delivers them, one response out. Each chunk is
 * read once as Latin-1 (one character per byte, so lengths and offsets stay byte counts) and everything after that
 * is string work: a Buffer view or copy per step costs more than the parsing of a small answer itself. It reads what a
 * forwarder needs from an answer to a POST: the status, the headers, and a body framed by Content-Length, chunked
 * transfer coding, or the end of the connection (RFC 9112 §6.3), skipping interim 1xx answers. The body is kept up
 * to a cap; the rest is read and counted so the connection can still be reused.
 *
 * Anything outside the grammar is a protocol error rather than a guess: a connection whose framing is in doubt is
 * never reused.
 */

/** Longest status line plus headers we accept; real answers are a few hundred bytes. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Longest chunk-size line (hex size plus extensions). */
const MAX_CHUNK_LINE_BYTES = 1024;

const CRLF = '\r\n';
const HEAD_END = '\r\n\r\n';
const NON_ASCII = /[^\x00-\x7f]/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
/**
 * A header line from where it starts: its name (an RFC 9110 token), a colon, the spaces and tabs before the value,
 * and the value up to the line's CRLF (a bare CR or LF inside the line is part of the value). The value is read
 * greedily and its trailing spaces and tabs trimmed in code: a lazy value followed by `[ \t]*\r\n` would rescan a
 * run of spaces at every step, quadratic in a hostile answer's line.
 */
const HEADER_LINE = /([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\r]*(?:\r(?!\n)[^\r]*)*)\r\n/y;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?$/;
const DIGITS = /^\d{1,15}$/;

export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

export interface ParsedResponse {
  readonly status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body up to the parser's cap, decoded as UTF-8. */
  readonly body: string;
  /** Whether the connection may carry another request: HTTP/1.1 without `Connection: close`, body framed by length. */
  readonly keepAlive: boolean;
}

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'until-close' } | { kind: 'none' };
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';
const NO_BODY: Framing = { kind: 'none' };

export class ResponseParser {
  // The state of one answer; `reset()` sets every field, for the first answer as for each next one.
  /** Bytes not yet consumed, as Latin-1. */
  private pending!: string;
  private head!: { status: number; headers: Record<string, string>; keepAlive: boolean } | undefined;
  private framing!: Framing;
  private chunkState!: ChunkState;
  private chunkRemaining!: number;
  /** Body bytes kept (up to the cap), as Latin-1. */
  private body!: string;
  private bodyBytes!: number;
  private result!: ParsedResponse | undefined;
  /** Bytes that arrived after the response ended: the server spoke out of turn, so the connection is not reused. */
  private trailingBytes!: number;

  constructor(private readonly maxBodyBytes: number) {
    this.reset();
  }

  /** Readies the parser for the next answer on its connection. */
  reset(): void {
    this.pending = '';
    this.head = undefined;
    this.framing = NO_BODY;
    this.chunkState = 'size';
    this.chunkRemaining = 0;
    this.body = '';
    this.bodyBytes = 0;
    this.result = undefined;
    this.trailingBytes = 0;
  }

  /**
   * Feeds the first `length` bytes of `chunk` (all of it by default); returns the response once it is complete.
   * Throws HttpProtocolError on a malformed answer.
   */
  push(chunk: Buffer, length: number = chunk.length): ParsedResponse | undefined {
    if (this.result) {
      this.trailingBytes += length;
      return this.result;
    }
    this.pending += chunk.toString('latin1', 0, length);
    while (!this.result) {
      if (!this.head) {
        if (!this.readHead()) return undefined;
        continue;
      }
      if (!this.readBody()) return undefined;
    }
    this.trailingBytes += this.pending.length;
    this.pending = '';
    return this.result;
  }

  /** The connection ended: completes a body framed by the end of the connection; anything else was cut short. */
  end(): ParsedResponse {
    if (this.result) return this.result;
    if (this.head && this.framing.kind === 'until-close') {
      this.result = this.complete(false);
      return this.result;
    }
    throw new HttpProtocolError(this.head ? 'connection closed before the response body ended' : 'connection closed before a response arrived');
  }

  /** Whether the connection can take another request now. */
  get reusable(): boolean {
    return this.result !== undefined && this.result.keepAlive && this.trailingBytes === 0;
  }

  /** Whether any byte of an answer arrived (a connection closed before this point never saw the request answered). */
  get started(): boolean {
    return this.head !== undefined || this.pending.length > 0;
  }

  private readHead(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD_BYTES) throw new HttpProtocolError(`response head over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    if (end > MAX_HEAD_BYTES) throw new HttpProtocolError(`response head over ${MAX_HEAD_BYTES} bytes`);
    const text = this.pending;
    this.pending = text.slice(end + HEAD_END.length);
    // Lines are read in place rather than split into an array first. The head ends in CRLF CRLF, so its first CRLF
    // (at `end` at the latest) ends the status line, and the one at `end` the last header line.
    const statusLine = text.slice(0, text.indexOf(CRLF));
    const status = STATUS_LINE.exec(statusLine);
    if (!status) throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
    const code = Number(status[2]);
    // No prototype: a header named `constructor` or `__proto__` is a header like any other.
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    // One sticky match per header line, from where it starts to its CRLF.
    for (let start = statusLine.length + CRLF.length; start < end + CRLF.length; start = HEADER_LINE.lastIndex) {
      HEADER_LINE.lastIndex = start;
      const field = HEADER_LINE.exec(text);
      if (!field) throw new HttpProtocolError(`malformed header line: ${JSON.stringify(text.slice(start, text.indexOf(CRLF, start)).slice(0, 80))}`);
      const key = field[1].toLowerCase();
      const value = withoutTrailingSpaces(field[2]);
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    // Interim answers (100 Continue, 103 Early Hints) precede the real one.
    if (code >= 100 && code < 200) return true;
    const connection = (headers['connection'] ?? '').toLowerCase();
    const keepAlive = status[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    this.head = { status: code, headers, keepAlive };
    this.framing = framingOf(code, headers);
    if (this.framing.kind === 'none') this.result = this.complete(keepAlive);
    return true;
  }

  private readBody(): boolean {
    const framing = this.framing;
    if (framing.kind === 'until-close') {
      this.take(this.pending.length);
      return false;
    }
    if (framing.kind === 'length') {
      const n = Math.min(framing.remaining, this.pending.length);
      this.take(n);
      framing.remaining -= n;
      if (framing.remaining > 0) return false;
      this.result = this.complete(this.head!.keepAlive);
      return true;
    }
    return this.readChunk();
  }

  private readChunk(): boolean {
    switch (this.chunkState) {
      case 'size': {
        const line = this.line();
        if (line === undefined) return false;
        const size = CHUNK_SIZE.exec(line);
        if (!size) throw new HttpProtocolError(`malformed chunk size: ${JSON.stringify(line.slice(0, 40))}`);
        this.chunkRemaining = parseInt(size[1], 16);
        this.chunkState = this.chunkRemaining === 0 ? 'trailer' : 'data';
        return true;
      }
      case 'data': {
        const n = Math.min(this.chunkRemaining, this.pending.length);
        this.take(n);
        this.chunkRemaining -= n;
        if (this.chunkRemaining > 0) return false;
        this.chunkState = 'data-end';
        return true;
      }
      case 'data-end': {
        if (this.pending.length < CRLF.length) return false;
        if (!this.pending.startsWith(CRLF)) throw new HttpProtocolError('chunk data not followed by CRLF');
        this.pending = this.pending.slice(CRLF.length);
        this.chunkState = 'size';
        return true;
      }
      case 'trailer': {
        // Trailer fields are read and dropped; the empty line ends the message.
        const line = this.line();
        if (line === undefined) return false;
        if (line === '') this.result = this.complete(this.head!.keepAlive);
        return true;
      }
    }
  }

  /** The next CRLF-terminated line of `pending`, or undefined when it has not fully arrived. */
  private line(): string | undefined {
    const end = this.pending.indexOf(CRLF);
    if (end < 0) {
      if (this.pending.length > MAX_CHUNK_LINE_BYTES) throw new HttpProtocolError('chunk line too long');
      return undefined;
    }
    const line = this.pending.slice(0, end);
    this.pending = this.pending.slice(end + CRLF.length);
    return line;
  }

  /** Moves `n` body bytes out of `pending`, keeping them while under the cap. */
  private take(n: number): void {
    if (n === 0) return;
    if (this.bodyBytes < this.maxBodyBytes) this.body += this.pending.slice(0, Math.min(n, this.maxBodyBytes - this.bodyBytes));
    this.bodyBytes += n;
    this.pending = this.pending.slice(n);
  }

  private complete(keepAlive: boolean): ParsedResponse {
    const { status, headers } = this.head!;
    // Latin-1 text of ASCII bytes is already the UTF-8 reading; anything else is decoded from the bytes.
    const body = NON_ASCII.test(this.body) ? Buffer.from(this.body, 'latin1').toString('utf8') : this.body;
    return { status, headers, body, keepAlive: keepAlive && this.framing.kind !== 'until-close' };
  }
}

/** How the body of an answer to a POST is delimited (RFC 9112 §6.3). */
function framingOf(status: number, headers: Record<string, string>): Framing {
  if (status === 204 || status === 304) return NO_BODY;
  const transferEncoding = headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    // Chunked must be the final coding; any other transfer coding is read until the connection closes.
    return /(?:^|,)\s*chunked\s*$/i.test(transferEncoding) ? { kind: 'chunked' } : { kind: 'until-close' };
  }
  const contentLength = headers['content-length'];
  if (contentLength !== undefined) {
    const length = contentLengthOf(contentLength);
    return length === 0 ? NO_BODY : { kind: 'length', remaining: length };
  }
  return { kind: 'until-close' };
}

/** A Content-Length value: digits, or repeats of the same digits ("12, 12"); differing values are a framing attack. */
function contentLengthOf(header: string): number {
  if (DIGITS.test(header)) return Number(header);
  const values = new Set(header.split(',').map((v) => v.trim()));
  const [value] = values;
  if (values.size !== 1 || !DIGITS.test(value)) throw new HttpProtocolError(`invalid Content-Length: ${JSON.stringify(header.slice(0, 40))}`);
  return Number(value);
}

/** A header value without the spaces and tabs (RFC 9110 OWS) that end its line. */
function withoutTrailingSpaces(value: string): string {
  let end = value.length;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return end === value.length ? value : value.slice(0, end);
}
