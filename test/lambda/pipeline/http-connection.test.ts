import * as net from 'node:net';
import { HttpConnection, type ConnectionOwner } from '../../../lambda/pipeline/http-connection';

describe('HttpConnection', () => {
  test('refuses a second request while one is in flight, and the first still gets its own answer', async () => {
    // A server that answers each request only when told to, so the first stays in flight.
    let answer: (() => void) | undefined;
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        answer = () => socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const released: boolean[] = [];
    const owner: ConnectionOwner = { release: (_connection, reusable) => released.push(reusable), forget: () => undefined };
    const connection = new HttpConnection((onread) => net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', onread }), owner);
    const { socket } = connection;
    await new Promise((resolve) => socket.once('connect', resolve));
    try {
      const first = connection.exchange('POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 0\r\n\r\n', 5_000);
      await expect(connection.exchange('POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 0\r\n\r\n', 5_000)).rejects.toThrow(/busy/);
      for (let waited = 0; !answer && waited < 2_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(answer).toBeDefined();
      answer!();
      await expect(first).resolves.toMatchObject({ status: 204 });
      expect(released).toEqual([true]);
    } finally {
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
