import { createRedactor } from '../../../lambda/pipeline/redact';
import * as fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createLangfuseHandler } from '../../../lambda/langfuse/langfuse-handler';
import type { LangfusePayload } from '../../../lambda/langfuse/payload';
import type { InvocationSummary } from '../../../lambda/pipeline/forwarder';
import type { ParkRequest, RetryQueue } from '../../../lambda/pipeline/retry-queue';
import { FIXTURE_DIR, fixture, fixtureLine } from './fixtures';
import { OK, startLangfuseReceiver, type LangfuseReceiver } from './langfuse-receiver';
import { otlpContractViolations } from './otlp-contract';
import { FORWARDER_CONTEXT, logEvent, preparingDestination } from './prepare';
import { exportBody } from '../../../lambda/langfuse/export-chunks';

/**
 * Bad input never crashes the forwarder. At the destination: any JSON, any mutation of a real fixture, any string
 * either skips with a reason or yields a span that meets the OTLP/Langfuse contract. At the handler: the bad-payload
 * classes of the Sentry issue (invalid base64, not gzip, invalid JSON, empty logEvents, 1 MB messages, invalid UTF-8,
 * deeply nested JSON, NUL bytes) mixed with real LLM lines: the handler returns, every LLM line arrives or is
 * parked, and an unreadable payload is parked with its reason.
 */

/** 1,000 runs per property in CI; `FC_RUNS=20000` searches deeper locally. */
const RUNS = Number(process.env.FC_RUNS ?? 1000);
const FIXTURE_NAMES = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));
const destination = preparingDestination('redacted');
const redactor = createRedactor();

function prepareAndCheck(message: string, timestamp?: number): void {
  const result = destination.prepare(logEvent(message, timestamp === undefined ? {} : { timestamp }), FORWARDER_CONTEXT);
  if (result.kind === 'skip') {
    expect(result.reason.length).toBeGreaterThan(0);
    return;
  }
  if (result.kind !== 'payloads') throw new Error(`Langfuse never suppresses, got ${result.kind}`);
  const violations = otlpContractViolations(JSON.parse(exportBody(result.payloads.map((draft) => destination.redact(draft, redactor)))));
  expect(violations).toEqual([]);
}

/** Replaces, at a random path of a fixture, the value with an arbitrary one (or deletes it). */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const index = path[0]! % entries.length;
  const [key, child] = entries[index]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const next = mutate(child, path.slice(1), replacement);
  if (next === undefined && !Array.isArray(copy)) delete copy[key];
  else (copy as Record<string, unknown>)[key] = next;
  return copy;
}

describe('the destination never throws and only emits contract-valid spans', () => {
  test('for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        prepareAndCheck(JSON.stringify(value));
      }),
      { numRuns: RUNS },
    );
  });

  test('for any mutation of a real fixture (values replaced by arbitrary JSON, fields deleted)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURE_NAMES),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined), fc.double(), fc.bigInt().map(String), fc.string()),
        (name, path, replacement) => {
          const mutated = mutate(fixture(name), path, replacement);
          prepareAndCheck(JSON.stringify(mutated) ?? 'undefined');
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('for any string, including NUL bytes, lone surrogates, deep nesting and text prefixes', () => {
    const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string().map((s) => `2026-11-21T09:30:00.123Z\tc0ffee00-0000-4000-8000-000000000000\tINFO\t${s}`),
          fc.nat({ max: 5000 }).map(deep),
          fc.string().map((s) => fixtureLine('llm-call-v1.success.json').replace('"gpt-4o-2024-08-06"', JSON.stringify(`\u0000${s}\ud800`))),
        ),
        fc.oneof(fc.constant(undefined), fc.double(), fc.integer()),
        (message, timestamp) => {
          prepareAndCheck(message, timestamp);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('the handler survives the bad-payload classes', () => {
  const credentials = { publicKey: 'pk-lf-property', secretKey: 'sk-lf-property-secret' };
  let receiver: LangfuseReceiver;
  let parked: Array<ParkRequest<LangfusePayload>>;
  let handler: ReturnType<typeof createLangfuseHandler>;

  beforeAll(async () => {
    receiver = await startLangfuseReceiver(credentials);
    receiver.script(() => OK);
    const retryQueue: RetryQueue = {
      async park<P>(requests: readonly ParkRequest<P>[]) {
        parked.push(...(requests as unknown as Array<ParkRequest<LangfusePayload>>));
        return { parked: requests.length, failed: [] };
      },
    };
    handler = createLangfuseHandler(
      {
        LANGFUSE_BASE_URL: receiver.baseUrl,
        LANGFUSE_PUBLIC_KEY: credentials.publicKey,
        LANGFUSE_SECRET_KEY: credentials.secretKey,
        LOGS_ENVIRONMENT: 'test',
        AWS_REGION: 'eu-west-1',
        LOG_LEVEL: 'ERROR',
      },
      { logSink: () => undefined, metricsSink: () => undefined, forwarder: { retryQueue } },
    );
  });
  afterAll(() => receiver.close());

  const oneMegabyte = 'x'.repeat(1024 * 1024);
  const gz = (text: string | Buffer) => gzipSync(text).toString('base64');
  const envelope = (messages: string[]) =>
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/aws/ecs/chat/llm',
      logStream: '2026/11/21/[$LATEST]9f0c1d2e',
      subscriptionFilters: ['llm-to-langfuse'],
      logEvents: messages.map((message, i) => ({ id: `${Date.now()}${i}`, timestamp: Date.UTC(2026, 10, 21, 9, 59, i), message })),
    });

  const badPayload = fc.oneof(
    fc.string().map((s) => ({ data: `!!${s}`, readable: false, llmLines: 0 })), // invalid base64
    fc.string().map((s) => ({ data: Buffer.from(s).toString('base64').padEnd(8, 'A'), readable: false, llmLines: 0 })), // not gzip
    fc.string().map((s) => ({ data: gz(`{${s}`), readable: false, llmLines: 0 })), // invalid JSON
    fc.constant({ data: gz(envelope([])), readable: true, llmLines: 0 }), // empty logEvents
    fc.constant({ data: gz(envelope([oneMegabyte])), readable: true, llmLines: 0 }), // 1 MB message
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ data: gz(Buffer.concat([Buffer.from('{"messageType":"DATA_MESSAGE","x":"'), Buffer.from(bytes), Buffer.from([0xff, 0xfe])])), readable: false, llmLines: 0 })), // invalid UTF-8
    fc.nat({ max: 20_000 }).map((depth) => ({ data: gz(envelope(['{"a":'.repeat(depth) + '1' + '}'.repeat(depth)])), readable: true, llmLines: 0 })), // deep JSON
    fc.string().map((s) => ({ data: gz(envelope([`\u0000${s}\u0000`, fixtureLine('anthropic-message.bare.json').replace('"end_turn"', '"\\u0000"')])), readable: true, llmLines: 1 })), // NUL bytes
  );

  test('never rejects; unreadable payloads are parked with the reason; LLM lines arrive or are parked', async () => {
    await fc.assert(
      fc.asyncProperty(badPayload, fc.subarray(FIXTURE_NAMES, { maxLength: 3 }), async (bad, names) => {
        parked = [];
        let acceptedBefore = receiver.accepted.length;
        const badSummary = (await handler({ awslogs: { data: bad.data } })) as InvocationSummary;
        if (!bad.readable) {
          expect(parked).toHaveLength(1);
          expect(parked[0]!.message.reason).toMatch(/^undecodable: /);
          expect(parked[0]!.message.item.kind).toBe('raw');
        } else {
          expect(badSummary.matched).toBe(bad.llmLines);
          expect(receiver.accepted.length - acceptedBefore + parked.length).toBe(bad.llmLines);
        }
        parked = [];
        acceptedBefore = receiver.accepted.length;
        const good = (await handler({ awslogs: { data: gz(envelope(names.map(fixtureLine))) } })) as InvocationSummary;
        expect(good.matched).toBe(names.length);
        expect(receiver.accepted.length - acceptedBefore + parked.length).toBe(names.length);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
