import { randomBytes } from 'node:crypto';
import { buildChunks, exportBody } from '../../../lambda/langfuse/export-chunks';
import { exportSpans, otlpTracesEndpoint, type ExporterOptions } from '../../../lambda/langfuse/otlp-exporter';
import type { LangfusePayload } from '../../../lambda/langfuse/payload';
import { basicAuthorization } from '../../../lambda/langfuse/config';
import { postWithKeepAlive } from '../../../lambda/pipeline/http';
import { createLogger } from '../../../lambda/pipeline/logger';
import type { Deadline } from '../../../lambda/pipeline/types';
import { fixtureLine } from './fixtures';
import { otlpContractViolations } from './otlp-contract';
import { attributesOf } from './otlp-reading';
import { OK, startLangfuseReceiver, type LangfuseReceiver, type ScriptedAnswer } from './langfuse-receiver';
import { preparedPayload, preparingDestination } from './prepare';

const credentials = { publicKey: 'pk-lf-1f2e3d4c-test', secretKey: 'sk-lf-9a8b7c6d-test' };
let receiver: LangfuseReceiver;
let logLines: string[];
let waits: number[];

beforeEach(async () => {
  receiver = await startLangfuseReceiver(credentials);
  logLines = [];
  waits = [];
});
afterEach(() => receiver.close());

function options(overrides: Partial<ExporterOptions> = {}): ExporterOptions {
  return {
    endpoint: otlpTracesEndpoint(receiver.baseUrl),
    authorization: async () => basicAuthorization(credentials.publicKey, credentials.secretKey),
    post: postWithKeepAlive,
    retryPolicy: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 50, attemptTimeoutMs: 2_000, minAttemptMs: 50 },
    concurrency: 4,
    logger: createLogger({ service: 'langfuse-forwarder', sink: (line) => logLines.push(line) }),
    retryTools: {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
    ...overrides,
  };
}

const deadline = (ms = 20_000): Deadline => {
  const at = Date.now() + ms;
  return { at, remainingMs: () => Math.max(0, at - Date.now()) };
};

const FIXTURES = [
  'llm-call-v1.success.json',
  'openai-chat-completion.envelope.json',
  'anthropic-message.envelope.json',
  'bedrock-converse.json',
  'litellm-success.json',
  'otel-genai.otlp-span.json',
];

function payloads(count: number): LangfusePayload[] {
  const destination = preparingDestination();
  return Array.from({ length: count }, (_, i) => preparedPayload(destination, fixtureLine(FIXTURES[i % FIXTURES.length]!)));
}

const acceptedIds = () => receiver.accepted.map((span) => span.spanId);
const script = (answers: ScriptedAnswer[]) => receiver.script((request) => answers[request.index] ?? OK);

test('a healthy export: one gzipped request with Basic auth and ingestion version 4, every span once', async () => {
  const spans = payloads(30);
  const report = await exportSpans(spans, deadline(), options());
  expect(report).toEqual({ delivered: 30, failed: [] });
  expect(receiver.requests).toHaveLength(1);
  const [request] = receiver.requests;
  expect(request!.headers['content-encoding']).toBe('gzip');
  expect(request!.headers['x-langfuse-ingestion-version']).toBe('4');
  expect(request!.headers['content-type']).toBe('application/json');
  expect(request!.headers['x-langfuse-sdk-name']).toBe('central-logging-forwarder');
  expect(otlpContractViolations(request!.body)).toEqual([]);
  expect(acceptedIds().sort()).toEqual(spans.map((p) => p.spanId).sort());
});

test('502, 503 and 504 are retried until accepted, and the chunk arrives once', async () => {
  script([{ kind: 'status', status: 502 }, { kind: 'status', status: 503 }, { kind: 'status', status: 504 }]);
  const spans = payloads(5);
  const report = await exportSpans(spans, deadline(), options());
  expect(report).toEqual({ delivered: 5, failed: [] });
  expect(receiver.requests.map((r) => r.status)).toEqual([502, 503, 504, 200]);
  expect(receiver.accepted).toHaveLength(5);
  expect(waits).toHaveLength(3);
});

test('429 waits as long as Retry-After says', async () => {
  script([{ kind: 'status', status: 429, headers: { 'retry-after': '2' }, body: '{"message":"rate limit"}' }]);
  const report = await exportSpans(payloads(3), deadline(), options());
  expect(report.delivered).toBe(3);
  expect(waits).toEqual([2000]);
});

test('a Retry-After beyond the deadline parks the chunk with the wait, to be delayed in the retry queue', async () => {
  receiver.script(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '120' } }));
  const report = await exportSpans(payloads(2), deadline(5_000), options());
  expect(report.delivered).toBe(0);
  expect(report.failed).toHaveLength(2);
  expect(report.failed[0]).toMatchObject({ retryable: true, retryAfterMs: 120_000 });
  expect(receiver.requests).toHaveLength(1);
});

test('a 400 for one bad span: halves are retried until it is isolated; it is parked, every other span arrives once', async () => {
  const spans = payloads(16);
  const bad = spans[11]!;
  receiver.script((request) =>
    request.spans.some((span) => span.spanId === bad.spanId)
      ? { kind: 'status', status: 400, body: `{"message":"Invalid span ${bad.spanId}: attribute value too long"}` }
      : OK,
  );
  const report = await exportSpans(spans, deadline(), options({ concurrency: 1 }));
  expect(report.delivered).toBe(15);
  expect(report.failed).toEqual([{ payload: bad, reason: expect.stringContaining(`HTTP 400: {"message":"Invalid span ${bad.spanId}`), retryable: false }]);
  expect(acceptedIds().sort()).toEqual(spans.filter((p) => p !== bad).map((p) => p.spanId).sort());
  // 16 → 8+8 → 4+4 → 2+2 → 1+1: one request per level that holds the bad span, plus its clean siblings.
  expect(receiver.requests).toHaveLength(9);
});

test('413 is split the same way', async () => {
  receiver.script((request) => (request.spans.length > 4 ? { kind: 'status', status: 413, body: 'payload too large' } : OK));
  const report = await exportSpans(payloads(10), deadline(), options({ concurrency: 1 }));
  expect(report).toEqual({ delivered: 10, failed: [] });
  expect(receiver.accepted).toHaveLength(10);
});

test('401 parks everything, sends nothing more and logs a loud error without the key', async () => {
  const spans = payloads(40);
  const report = await exportSpans(spans, deadline(), options({ concurrency: 1, authorization: async () => basicAuthorization(credentials.publicKey, 'sk-lf-wrong') , limits: { maxJsonBytes: 10_000, maxWireBytes: 1024 * 1024, maxSpans: 1000 } }));
  expect(report.delivered).toBe(0);
  expect(report.failed).toHaveLength(40);
  expect(new Set(report.failed.map((f) => f.reason))).toEqual(new Set(['HTTP 401: {"message":"Invalid credentials"}']));
  expect(report.failed.every((f) => f.retryable)).toBe(true);
  expect(receiver.requests.map((r) => r.status)).toEqual([401]);
  const errors = logLines.filter((line) => line.includes('"level":"ERROR"'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain('LANGFUSE REJECTED THE CREDENTIALS');
  expect(logLines.join('\n')).not.toContain('sk-lf-wrong');
});

test('a connection reset is retried and the chunk arrives once', async () => {
  script([{ kind: 'reset' }, { kind: 'reset' }]);
  const spans = payloads(4);
  const report = await exportSpans(spans, deadline(), options());
  expect(report).toEqual({ delivered: 4, failed: [] });
  expect(receiver.accepted).toHaveLength(4);
});

test('a slow answer inside the attempt timeout is simply waited for', async () => {
  script([{ kind: 'slow', delayMs: 300, then: OK }]);
  const report = await exportSpans(payloads(3), deadline(), options());
  expect(report.delivered).toBe(3);
  expect(receiver.requests).toHaveLength(1);
});

test('an outage that outlasts the deadline parks the spans as retryable; nothing throws', async () => {
  receiver.script(() => ({ kind: 'status', status: 503, body: 'maintenance' }));
  const report = await exportSpans(payloads(3), deadline(400), options({ retryTools: undefined }));
  expect(report.delivered).toBe(0);
  expect(report.failed).toHaveLength(3);
  expect(report.failed[0]).toMatchObject({ retryable: true, reason: expect.stringContaining('HTTP 503') });
});

test('a 500 is not retried in place: the chunk is parked for the retry queue', async () => {
  receiver.script(() => ({ kind: 'status', status: 500, body: 'internal error' }));
  const report = await exportSpans(payloads(2), deadline(), options());
  expect(receiver.requests).toHaveLength(1);
  expect(report.failed[0]).toMatchObject({ retryable: true, reason: 'HTTP 500: internal error' });
});

test('credentials that cannot be loaded park every span with the reason', async () => {
  const report = await exportSpans(payloads(2), deadline(), options({ authorization: async () => Promise.reject(new Error('KMS AccessDenied')) }));
  expect(report.failed.map((f) => f.reason)).toEqual(['Langfuse credentials could not be loaded: KMS AccessDenied', 'Langfuse credentials could not be loaded: KMS AccessDenied']);
  expect(receiver.requests).toHaveLength(0);
});

test('a post that throws something other than a network error is retried, and its reason says what was thrown', async () => {
  const report = await exportSpans(payloads(1), deadline(), options({ retryPolicy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, attemptTimeoutMs: 500, minAttemptMs: 10 }, post: () => Promise.reject(new TypeError('socket.write is not a function')) }));
  expect(waits).toHaveLength(1);
  expect(report.failed[0]).toMatchObject({ retryable: true, reason: expect.stringContaining('network error: socket.write is not a function') });
});

describe('chunking', () => {
  test('count and size limits: several requests, each within the bounds, every span once', async () => {
    const spans = payloads(120);
    const limits = { maxJsonBytes: 60_000, maxWireBytes: 1024 * 1024, maxSpans: 25 };
    const report = await exportSpans(spans, deadline(), options({ limits }));
    expect(report.delivered).toBe(120);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(5);
    for (const request of receiver.requests) {
      expect(request.spans.length).toBeLessThanOrEqual(25);
      expect(request.jsonBytes).toBeLessThanOrEqual(60_000);
      expect(otlpContractViolations(request.body)).toEqual([]);
    }
    expect(new Set(acceptedIds()).size).toBe(120);
  });

  test('incompressible content is split until each gzipped body is within the wire bound', () => {
    const destination = preparingDestination('full');
    const noisy = Array.from({ length: 8 }, () => {
      const line = JSON.parse(fixtureLine('llm-call-v1.success.json'));
      line.response = { role: 'assistant', content: randomBytes(30_000).toString('base64') };
      return preparedPayload(destination, JSON.stringify(line));
    });
    const chunks = buildChunks(noisy, { maxJsonBytes: 4 * 1024 * 1024, maxWireBytes: 100_000, maxSpans: 1000 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.body.length).toBeLessThanOrEqual(100_000);
    expect(chunks.flatMap((chunk) => chunk.payloads)).toEqual(noisy);
  });

  test('1,000 ordinary LLM spans fit one request under the 1 MB wire bound', () => {
    const chunks = buildChunks(payloads(1000));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.body.length).toBeLessThanOrEqual(1024 * 1024);
  });

  test('spans of several services become one resource each', () => {
    const destination = preparingDestination();
    const spans = [
      preparedPayload(destination, fixtureLine('bedrock-converse.json'), { logGroup: '/aws/ecs/claims/llm' }),
      preparedPayload(destination, fixtureLine('anthropic-message.bare.json'), { logGroup: '/aws/ecs/docs/llm' }),
      preparedPayload(destination, fixtureLine('bedrock-nova-invoke.json'), { logGroup: '/aws/lambda/claims/llm' }),
    ];
    const body = JSON.parse(exportBody(spans));
    expect(body.resourceSpans.map((r: { resource: { attributes: Array<{ value: { stringValue: string } }> } }) => r.resource.attributes[0]!.value.stringValue)).toEqual(['claims', 'docs']);
    expect(attributesOf(body.resourceSpans[0].scopeSpans[0].spans[1])['langfuse.trace.metadata.log_group']).toBe('/aws/lambda/claims/llm');
  });
});
