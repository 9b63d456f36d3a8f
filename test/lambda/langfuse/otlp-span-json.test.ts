import * as fc from 'fast-check';
import { LLM_PRICES } from '../../../lib/config/llm-prices';
import { CONTENT_POLICIES, contentFilter, withoutContent } from '../../../lambda/langfuse/content-policy';
import { LLM_FORMATS, type LlmCall } from '../../../lambda/langfuse/llm-call';
import { OtlpSpanBuilder, type OtlpSpanSink } from '../../../lambda/langfuse/otlp';
import { jsonString, OtlpAttributeKey, OtlpSpanJsonWriter } from '../../../lambda/langfuse/otlp-span-json';
import { mapCallToPayload, mapCallToSpan, type SourceCoordinates } from '../../../lambda/langfuse/span-mapper';
import { attributesOf } from './otlp-reading';

/**
 * The span that is sent is written as text (`mapCallToPayload`); tests and readers inspect the typed object
 * (`mapCallToSpan`). Both come from one mapping, and the text must be exactly what JSON.stringify writes for the
 * object, for any call: any strings (quotes, backslashes, control characters, lone surrogates, non-ASCII), any
 * metadata keys, any content, every content policy.
 */

const RUNS = Number(process.env.FC_RUNS ?? 1000);

/** Strings with the characters JSON escapes or encodes specially, mixed with any others. */
const text = fc.string({
  unit: fc.oneof(fc.constantFrom('"', '\\', '\u0000', '\n', '\u001f', '\u007f', '\ud800', '\udfff', '\u2028', 'é', '中', '😀', '.', '_'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 24,
});
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
/** Metadata keys include the ones that need care: numeric (ordered first), reserved, taken twice once made safe. */
const metadataKey = fc.oneof(text, fc.constantFrom('service', 'log_group', '1', '42', '__proto__', 'constructor', 'a.b', 'a_b', '', '...'));
const jsonish = fc.oneof(text, fc.jsonValue({ maxDepth: 3 }));

const call: fc.Arbitrary<LlmCall> = fc
  .record({
    format: fc.constantFrom(...Object.values(LLM_FORMATS)),
    model: fc.oneof(text, fc.constantFrom('gpt-4o-2024-08-06', 'claude-sonnet-4', 'anthropic.claude-3-haiku')),
    provider: optional(text),
    startNs: fc.bigInt({ min: 1n, max: 2n ** 62n }),
    durationNs: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    completionAfterNs: optional(fc.bigInt({ min: 0n, max: 10n ** 12n })),
    traceId: optional(fc.oneof(text, fc.constant('4bf92f3577b34da6a3ce929d0e0e4736'))),
    sourceSpanId: optional(text),
    requestId: optional(text),
    sessionId: optional(text),
    userId: optional(text),
    apiKeyId: optional(text),
    service: optional(text),
    operation: optional(text),
    environment: optional(text),
    release: optional(text),
    tags: fc.array(text, { maxLength: 3 }),
    modelParameters: fc.dictionary(text, fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
    usage: optional(fc.record({ input: fc.nat(), output: fc.nat(), cacheRead: fc.nat(), cacheWrite: fc.nat(), total: fc.nat() })),
    costUsd: optional(fc.double({ min: 0 })),
    statusCode: optional(fc.integer({ min: 100, max: 599 })),
    error: optional(fc.record({ type: optional(text), message: text }, { requiredKeys: ['message'] })),
    failed: fc.boolean(),
    level: optional(fc.oneof(text, fc.constantFrom('WARN', 'DEBUG', 'ERROR'))),
    input: optional(jsonish),
    output: optional(jsonish),
    metadata: fc.dictionary(metadataKey, jsonish, { maxKeys: 5 }),
  })
  .map(({ durationNs, completionAfterNs, ...fields }) => ({
    ...fields,
    endNs: fields.startNs + durationNs,
    completionStartNs: completionAfterNs === undefined ? undefined : fields.startNs + completionAfterNs,
  }));

const source: fc.Arbitrary<SourceCoordinates> = fc.record({
  logGroup: fc.oneof(text, fc.constant('/aws/ecs/chat/llm')),
  logStream: fc.oneof(text, fc.constant('2026/11/21/[$LATEST]9f0c1d2e')),
  id: fc.oneof(text, fc.constant('37928309283092830928309283092830928309283092830928309283')),
  account: fc.oneof(text, fc.constant('111122223333')),
});

const context = fc.record({ environment: text, region: text, release: optional(text) });

describe('the span written as text is the JSON of the span object', () => {
  test('for any call, source, context and content policy', () => {
    fc.assert(
      fc.property(call, source, context, fc.constantFrom(...CONTENT_POLICIES), fc.boolean(), (anyCall, anySource, anyContext, policy, dropContent) => {
        const content = dropContent ? withoutContent(contentFilter(policy), 'test') : contentFilter(policy);
        const options = { prices: LLM_PRICES, content };
        const { span, serviceName } = mapCallToSpan(anyCall, anySource, anyContext, options);
        const payload = mapCallToPayload(anyCall, anySource, anyContext, options);
        expect(payload.spanJson).toBe(JSON.stringify(span));
        expect(payload).toEqual({ serviceName, traceId: span.traceId, spanId: span.spanId, spanJson: payload.spanJson });
      }),
      { numRuns: RUNS },
    );
  });

  test('a trace id handed in by the caller is the one written', () => {
    const [anyCall] = fc.sample(call, { numRuns: 1, seed: 7 });
    const options = { prices: LLM_PRICES, content: contentFilter('redacted'), traceId: '0af7651916cd43dd8448eb211c80319c' };
    const at = { logGroup: 'g', logStream: 's', id: '1', account: '111122223333' };
    const payload = mapCallToPayload(anyCall!, at, { environment: 'prod', region: 'eu-west-1' }, options);
    expect(payload.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(payload.spanJson).toBe(JSON.stringify(mapCallToSpan(anyCall!, at, { environment: 'prod', region: 'eu-west-1' }, options).span));
  });

  test('recurring values stay right past the number remembered per key', () => {
    const [base] = fc.sample(call, { numRuns: 1, seed: 11 });
    const at = { logGroup: '/aws/ecs/chat/llm', logStream: 's', id: '1', account: '111122223333' };
    const options = { prices: LLM_PRICES, content: contentFilter('none') };
    for (let i = 0; i < 600; i++) {
      const model = `model-${i % 300}`;
      const { spanJson } = mapCallToPayload({ ...base!, model }, at, { environment: 'prod', region: 'eu-west-1' }, options);
      expect(attributesOf(JSON.parse(spanJson))['langfuse.observation.model.name']).toBe(model);
    }
  });

  test('observation metadata keys are already in the safe form free metadata keys are reduced to', () => {
    const [anyCall] = fc.sample(call, { numRuns: 1, seed: 3 });
    const { span } = mapCallToSpan(anyCall!, { logGroup: 'g', logStream: 's', id: '1', account: 'a' }, { environment: 'e', region: 'r' }, { prices: LLM_PRICES, content: contentFilter('none') });
    const keys = span.attributes.map((attribute) => attribute.key).filter((key) => key.startsWith('langfuse.observation.metadata.'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^langfuse\.observation\.metadata\.[A-Za-z0-9_-]+$/);
  });
});

describe('the writer and the builder agree on any sequence of attributes', () => {
  type Step =
    | { kind: 'string' | 'recurring'; key: string; value: string }
    | { kind: 'array'; key: string; values: string[] }
    | { kind: 'numbers'; key: string; numbers: Record<string, number | undefined> };
  const number = fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-7, undefined));
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constantFrom('string' as const, 'recurring' as const), key: fc.oneof(text, fc.constantFrom('langfuse.environment', 'user.id')), value: text }),
    fc.record({ kind: fc.constant('array' as const), key: text, values: fc.array(text, { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('numbers' as const), key: text, numbers: fc.dictionary(fc.oneof(text, fc.constantFrom('input', 'total', '2')), number, { maxKeys: 4 }) }),
  );
  // One key object per name across all runs, as the mapper keeps them: what a key remembers is reused.
  const keys = new Map<string, OtlpAttributeKey>();
  const keyOf = (name: string) => keys.get(name) ?? keys.set(name, new OtlpAttributeKey(name)).get(name)!;
  const write = <Span>(sink: OtlpSpanSink<Span>, steps: readonly Step[], head: Parameters<OtlpSpanSink<Span>['span']>[0], message: string | undefined): Span => {
    for (const s of steps) {
      if (s.kind === 'array') sink.stringArrayAttribute(keyOf(s.key), s.values);
      else if (s.kind === 'numbers') sink.numbersAttribute(keyOf(s.key), s.numbers);
      else if (s.kind === 'recurring') sink.recurringStringAttribute(keyOf(s.key), s.value);
      else sink.stringAttribute(keyOf(s.key), s.value);
    }
    return sink.span(head, message === undefined ? { code: 1 } : { code: 2, message });
  };

  test('including none, empty lists and error statuses', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), text, text, optional(text), (steps, name, id, message) => {
        const head = { traceId: id, spanId: id, name, kind: 3, startTimeUnixNano: '1', endTimeUnixNano: '2' };
        expect(write(new OtlpSpanJsonWriter(), steps, head, message)).toBe(JSON.stringify(write(new OtlpSpanBuilder(), steps, head, message)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('jsonString', () => {
  test('is JSON.stringify for any string', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary' })), (value) => {
        expect(jsonString(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: RUNS },
    );
  });
});
