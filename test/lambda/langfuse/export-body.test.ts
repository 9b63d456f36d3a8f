import * as fc from 'fast-check';
import { gunzipSync } from 'node:zlib';
import { buildChunks, encodeBody, exportBody, exportBodyBytes } from '../../../lambda/langfuse/export-chunks';
import { FORWARDER_SCOPE } from '../../../lambda/langfuse/otlp';
import { spanBytes, type LangfusePayload } from '../../../lambda/langfuse/payload';
import { fixtureLine } from './fixtures';
import { preparedPayload, preparingDestination } from './prepare';

/**
 * The export body is written straight into one buffer of its exact size (all-ASCII spans copied as Latin-1, the
 * rest as UTF-8). It must be byte for byte the UTF-8 of the OTLP request built as an object: spans grouped per
 * service in order of first appearance, each resource with the forwarder's scope.
 */

const RUNS = Number(process.env.FC_RUNS ?? 500);

/** The request as an object, its spans parsed back: the reference the written body is held to. */
function requestObject(payloads: readonly LangfusePayload[]): unknown {
  const services: string[] = [];
  for (const payload of payloads) if (!services.includes(payload.serviceName)) services.push(payload.serviceName);
  return {
    resourceSpans: services.map((serviceName) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
      scopeSpans: [
        {
          scope: FORWARDER_SCOPE,
          spans: payloads.filter((payload) => payload.serviceName === serviceName).map((payload) => JSON.parse(payload.spanJson)),
        },
      ],
    })),
  };
}

const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\u0001', '\ud800', 'é', '中', '😀', 'a'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
/** Span JSON as the writer produces it (JSON.stringify output): ASCII or not, as small as `{}`. */
const payload: fc.Arbitrary<LangfusePayload> = fc.record({
  serviceName: fc.oneof(fc.constantFrom('chat', 'docs', 'claims'), text),
  traceId: fc.constant('4bf92f3577b34da6a3ce929d0e0e4736'),
  spanId: fc.constant('0494b156e5e47389'),
  spanJson: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(text, text)).map((value) => JSON.stringify(value)),
});

describe('the export body', () => {
  test('is the UTF-8 of the request object, for any spans and services', () => {
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 12 }), (payloads) => {
        const expected = Buffer.from(JSON.stringify(requestObject(payloads)), 'utf8');
        expect(exportBodyBytes(payloads).equals(expected)).toBe(true);
        expect(exportBody(payloads)).toBe(expected.toString('utf8'));
        expect(gunzipSync(encodeBody(payloads)).equals(expected)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  test('chunks carry every span once, each body within its bounds', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (payloads, maxSpans) => {
        const chunks = buildChunks(payloads, { maxJsonBytes: 2_000, maxWireBytes: 1024 * 1024, maxSpans });
        const sent = chunks.flatMap((chunk) => chunk.payloads);
        expect(new Set(sent)).toEqual(new Set(payloads));
        expect(sent).toHaveLength(payloads.length);
        for (const chunk of chunks) {
          const body = gunzipSync(chunk.body);
          expect(body.equals(Buffer.from(JSON.stringify(requestObject(chunk.payloads)), 'utf8'))).toBe(true);
          expect(chunk.payloads.length).toBeLessThanOrEqual(maxSpans);
          if (chunk.payloads.length > 1) expect(body.length).toBeLessThanOrEqual(2_000);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('a span read back from the retry queue (a plain object) is measured like a fresh one', () => {
    // Fresh: prepared and redacted by the destination, which measures it; parked: the same span as the retry queue
    // gives it back, never measured. The prompt carries multi-byte characters, so a Latin-1 or UTF-16 size would differ.
    const line = fixtureLine('llm-call-v1.success.json').replace("Why is my November invoice", 'Warum ist meine naïve 中 😀 Rechnung');
    const fresh = preparedPayload(preparingDestination('full'), line);
    expect(fresh.spanJson).toContain('naïve 中 😀');
    const parked = JSON.parse(JSON.stringify(fresh)) as LangfusePayload;
    expect(spanBytes(fresh)).toBe(Buffer.byteLength(fresh.spanJson, 'utf8'));
    expect(spanBytes(parked)).toBe(spanBytes(fresh));
    expect(exportBodyBytes([parked]).equals(exportBodyBytes([fresh]))).toBe(true);
  });
});
