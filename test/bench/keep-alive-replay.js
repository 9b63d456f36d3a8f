'use strict';
/**
 * Replays pre-built HTTP/1.1 requests over keep-alive sockets: the least CPU a client can spend to deliver them, with
 * nothing built, parsed or retried. Plain CommonJS so the benchmark's child process (a bare `node`, no TypeScript
 * loader) can require it.
 *
 * Each socket carries one request at a time and reads its answer to the end (status line, headers, then a
 * Content-Length or chunked body) before the next, as a pooled client must to reuse the connection. An answer that
 * is not 2xx, or a socket that closes or errs, fails the replay: a lower bound over refused requests means nothing.
 */
const net = require('node:net');

/** Opens `count` connections to 127.0.0.1:`port`, Nagle off like the forwarders' pool. */
function openKeepAliveSockets(port, count) {
  return Promise.all(
    Array.from({ length: count }, () => new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.setNoDelay(true);
      socket.once('error', reject);
    })),
  );
}

/**
 * Where the answer in `text` (Latin-1, one character per byte) ends, or -1 while it is incomplete. Throws on an
 * answer the replay cannot delimit (neither Content-Length nor chunked).
 */
function answerEnd(text) {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return -1;
  const head = text.slice(0, headEnd).toLowerCase();
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) {
    const end = headEnd + 4 + Number(length[1]);
    return text.length >= end ? end : -1;
  }
  if (!/\r\ntransfer-encoding: *chunked/.test(head)) throw new Error(`answer without Content-Length or chunked body: ${head.split('\r\n')[0]}`);
  let at = headEnd + 4;
  for (;;) {
    const sizeEnd = text.indexOf('\r\n', at);
    if (sizeEnd < 0) return -1;
    const size = parseInt(text.slice(at, sizeEnd), 16);
    if (Number.isNaN(size)) throw new Error(`bad chunk size ${JSON.stringify(text.slice(at, sizeEnd))}`);
    at = sizeEnd + 2;
    if (size === 0) {
      // The last chunk: either the final CRLF at once, or trailer lines ended by an empty one.
      if (text.length < at + 2) return -1;
      if (text.startsWith('\r\n', at)) return at + 2;
      const trailersEnd = text.indexOf('\r\n\r\n', at);
      return trailersEnd < 0 ? -1 : trailersEnd + 4;
    }
    at += size + 2;
    if (text.length < at) return -1;
  }
}

/** Writes one request and resolves once its whole answer has arrived. */
function exchange(socket, request) {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onClose = () => done(new Error('the server closed a keep-alive socket mid-replay'));
    const onData = (chunk) => {
      text += chunk.toString('latin1');
      let end;
      try {
        end = answerEnd(text);
      } catch (error) {
        return done(error);
      }
      if (end < 0) return;
      const status = Number(text.slice(9, 12));
      if (status < 200 || status > 299) return done(new Error(`replayed request answered ${status}`));
      if (end !== text.length) return done(new Error('bytes after the answer: the server answered out of turn'));
      done();
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', done);
    socket.write(request);
  });
}

/** Sends every request once, each socket taking the next unsent one when its answer is in. */
async function replayOverSockets(sockets, requests) {
  let next = 0;
  await Promise.all(
    sockets.map(async (socket) => {
      while (next < requests.length) await exchange(socket, requests[next++]);
    }),
  );
}

module.exports = { openKeepAliveSockets, replayOverSockets };
