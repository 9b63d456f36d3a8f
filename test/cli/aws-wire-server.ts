import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the SDK sent it over the wire. */
export interface WireRequest {
  /** `X-Amz-Target`, e.g. `Logs_20140328.DescribeLogGroups` or `TrentService.Encrypt`. */
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly headers: http.IncomingHttpHeaders;
}

export interface WireResponse {
  /** @default 200 */
  readonly status?: number;
  readonly body: unknown;
}

/** An AWS JSON-protocol error as the services send it. */
export const awsError = (type: string, message: string, status = 400): WireResponse => ({ status, body: { __type: type, message } });

export interface WireServer {
  readonly endpoint: string;
  readonly requests: WireRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that speaks the AWS JSON 1.1 protocol (CloudWatch Logs, KMS): it records every
 * request and answers from `handle`. Point a client at it with the SDK's `endpoint` option.
 */
export async function startWireServer(handle: (request: WireRequest) => WireResponse): Promise<WireServer> {
  const requests: WireRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: WireRequest = { target: String(req.headers['x-amz-target'] ?? ''), body: raw ? JSON.parse(raw) : {}, headers: req.headers };
      requests.push(request);
      let response: WireResponse;
      try {
        response = handle(request);
      } catch (error) {
        response = awsError('InternalFailure', String(error), 500);
      }
      const body = JSON.stringify(response.body);
      const type = (response.body as { __type?: string }).__type;
      res.writeHead(response.status ?? 200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(body),
        'x-amzn-requestid': `req-${requests.length}`,
        ...(type ? { 'x-amzn-errortype': type } : {}),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // the SDK keeps connections alive; do not wait for their timeout
      }),
  };
}
