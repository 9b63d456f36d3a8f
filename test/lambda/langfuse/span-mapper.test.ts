import { createHash } from 'node:crypto';
import { LLM_PRICES } from '../../../lib/config/llm-prices';
import { contentFilter, MAX_CONTENT_CHARS, TRUNCATION_MARKER, type ContentPolicy } from '../../../lambda/langfuse/content-policy';
import { parseLlmCall } from '../../../lambda/langfuse/formats';
import { msToNs } from '../../../lambda/langfuse/formats/fields';
import { normaliseTraceId, spanIdFor, traceIdFor } from '../../../lambda/langfuse/ids';
import type { LlmCall } from '../../../lambda/langfuse/llm-call';
import { langfuseEnvironment, mapCallToSpan, maskedKeyId } from '../../../lambda/langfuse/span-mapper';
import { serviceOfLogGroup } from '../../../lambda/pipeline/log-group';
import { EVENT_TIME_MS, fixture } from './fixtures';
import { attributesOf } from './otlp-reading';

const context = { environment: 'prod', region: 'eu-west-1', release: 'forwarder-default-release' };
const source = {
  logGroup: '/aws/ecs/chat/llm',
  logStream: '2026/11/21/[$LATEST]9f0c1d2e',
  id: '37928309283092830928309283092830928309283092830928309283',
  account: '111122223333',
};

function callFrom(name: string): LlmCall {
  const result = parseLlmCall(fixture(name), { eventTimeNs: msToNs(EVENT_TIME_MS) });
  if (result.kind !== 'call') throw new Error(result.reason);
  return result.call;
}

function map(call: LlmCall, policy: ContentPolicy = 'redacted', at = source) {
  const { span, serviceName } = mapCallToSpan(call, at, context, { prices: LLM_PRICES, content: contentFilter(policy) });
  return { span, serviceName, attributes: attributesOf(span) };
}

describe('a successful call becomes a generation', () => {
  const { span, serviceName, attributes } = map(callFrom('llm-call-v1.success.json'));

  test('with the trace-wide context on the span', () => {
    expect(attributes).toMatchObject({
      'langfuse.trace.name': 'chat.answer',
      'user.id': 'u_10442',
      'session.id': 'sess_8c1d',
      'langfuse.environment': 'prod',
      'langfuse.release': 'api@2026.11.20',
      'langfuse.trace.tags': ['chat'],
      'langfuse.trace.metadata.service': 'api',
      'langfuse.trace.metadata.log_group': '/aws/ecs/chat/llm',
      'langfuse.trace.metadata.tenant': 'acme',
    });
    expect(serviceName).toBe('api');
  });

  test('with model, parameters, usage and computed cost as JSON strings', () => {
    expect(attributes['langfuse.observation.type']).toBe('generation');
    expect(attributes['langfuse.observation.model.name']).toBe('gpt-4o-2024-08-06');
    expect(JSON.parse(attributes['langfuse.observation.model.parameters'] as string)).toEqual({ temperature: 0.2, max_tokens: 1024 });
    expect(JSON.parse(attributes['langfuse.observation.usage_details'] as string)).toEqual({ input: 808, output: 211, input_cache_read: 1024, total: 2043 });
    expect(JSON.parse(attributes['langfuse.observation.cost_details'] as string)).toEqual({ input: 0.00202, output: 0.00211, input_cache_read: 0.00128, total: 0.00541 });
    expect(attributes['langfuse.observation.level']).toBe('DEFAULT');
    expect(Object.keys(attributes)).not.toContain('langfuse.observation.status_message');
  });

  test('with metadata naming the log group, stream, service and CloudWatch event id', () => {
    expect(attributes).toMatchObject({
      'langfuse.observation.metadata.log_stream': source.logStream,
      'langfuse.observation.metadata.cloudwatch_event_id': source.id,
      'langfuse.observation.metadata.log_format': 'llm-call/v1',
      'langfuse.observation.metadata.api_key_id': 'sk-pr***a1b2',
      'langfuse.observation.metadata.latency_ms': '2310',
    });
  });

  test('with the log trace id, nanosecond string times and an OK status', () => {
    expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.startTimeUnixNano).toBe(String(BigInt(Date.parse('2026-11-21T09:30:00.123Z')) * 1_000_000n));
    expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toBe(2_310_000_000n);
    expect(span.status).toEqual({ code: 1 });
    expect(span.name).toBe('chat.answer');
  });
});

describe('a failed call', () => {
  test('is level ERROR with a status message and an error span status', () => {
    const { span, attributes } = map(callFrom('llm-call-v1.rate-limited.json'));
    expect(attributes['langfuse.observation.level']).toBe('ERROR');
    expect(attributes['langfuse.observation.status_message']).toBe(
      'HTTP 429 rate_limit_error: Number of request tokens has exceeded your per-minute rate limit',
    );
    expect(span.status).toEqual({ code: 2, message: attributes['langfuse.observation.status_message'] });
  });

  test('Bedrock throttling and an OTel error span read the same way', () => {
    expect(map(callFrom('bedrock-error.json')).attributes['langfuse.observation.status_message']).toBe(
      'ThrottlingException: Too many requests, please wait before trying again.',
    );
    expect(map(callFrom('otel-genai.error.flat.json')).attributes['langfuse.observation.status_message']).toBe('ValidationException');
  });
});

describe('cost', () => {
  test('a logged cost wins over the table', () => {
    const { attributes } = map(callFrom('litellm-success.json'));
    expect(JSON.parse(attributes['langfuse.observation.cost_details'] as string)).toEqual({ total: 0.000623 });
  });

  test('Bedrock ids are priced through the table, cache writes included', () => {
    const { attributes } = map(callFrom('bedrock-invoke-stream.json'));
    expect(JSON.parse(attributes['langfuse.observation.cost_details'] as string).total).toBe(0.0100548);
  });

  test('an unknown model gets no cost attribute', () => {
    const call = { ...callFrom('llm-call-v1.success.json'), model: 'acme-finetune-7b' };
    expect(Object.keys(map(call).attributes)).not.toContain('langfuse.observation.cost_details');
  });
});

describe('ids', () => {
  test('are deterministic: the same event maps to the same trace and span ids', () => {
    const call = callFrom('anthropic-message.bare.json');
    expect(map(call).span).toEqual(map(call).span);
  });

  test('another event in the same stream gets another span id but, without a trace id, its own trace', () => {
    const call = callFrom('anthropic-message.bare.json');
    const a = map(call).span;
    const b = map(call, 'redacted', { ...source, id: `${source.id.slice(0, -1)}4` }).span;
    expect(b.spanId).not.toBe(a.spanId);
    expect(b.traceId).not.toBe(a.traceId);
  });

  test('calls sharing a request id share a trace', () => {
    const event = { logGroup: 'g', logStream: 's', id: '1' };
    expect(traceIdFor(undefined, 'req-42', event)).toBe(traceIdFor(undefined, 'req-42', { ...event, id: '2' }));
  });

  test.each([
    ['4BF92F3577B34DA6A3CE929D0E0E4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['0x5b8aa5a2d2c872e8321cf37308d69df2', '5b8aa5a2d2c872e8321cf37308d69df2'],
    ['5b8aa5a2-d2c8-72e8-321c-f37308d69df2', '5b8aa5a2d2c872e8321cf37308d69df2'],
    ['1-691f3a05-7c2d4e8f9a1b3c5d7e9f0a1b', '691f3a057c2d4e8f9a1b3c5d7e9f0a1b'],
    ['Root=1-691f3a05-7c2d4e8f9a1b3c5d7e9f0a1b;Parent=53995c3f42cd8ad8;Sampled=1', '691f3a057c2d4e8f9a1b3c5d7e9f0a1b'],
    ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '0af7651916cd43dd8448eb211c80319c'],
  ])('trace id %s normalises to %s', (raw, expected) => {
    expect(normaliseTraceId(raw)).toBe(expected);
  });

  test('a non-hex or all-zero trace id is hashed, not dropped: equal strings still share a trace', () => {
    const event = { logGroup: 'g', logStream: 's', id: '1' };
    expect(normaliseTraceId('00000000000000000000000000000000')).toBeUndefined();
    const a = traceIdFor('checkout-2026-11-21-0042', undefined, event);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdFor('checkout-2026-11-21-0042', undefined, { ...event, id: '2' })).toBe(a);
  });

  test('derived ids are the leading hex of SHA-256 over a tagged seed, as parked spans from earlier versions have them', () => {
    const sha256 = (seed: string) => createHash('sha256').update(seed).digest('hex');
    const event = { logGroup: '/aws/ecs/chat/llm', logStream: 's', id: '42' };
    expect(spanIdFor(event)).toBe(sha256('span:/aws/ecs/chat/llm\ns\n42').slice(0, 16));
    expect(traceIdFor(undefined, undefined, event)).toBe(sha256('event:/aws/ecs/chat/llm\ns\n42').slice(0, 32));
    expect(traceIdFor(undefined, 'req-42', event)).toBe(sha256('request:req-42').slice(0, 32));
    expect(traceIdFor('checkout-0042', 'req-42', event)).toBe(sha256('trace:checkout-0042').slice(0, 32));
  });

  test('span ids come from log group + stream + event id', () => {
    expect(spanIdFor({ logGroup: 'a', logStream: 'b', id: 'c' })).not.toBe(spanIdFor({ logGroup: 'a', logStream: 'bc', id: '' }));
  });
});

describe('content policy', () => {
  const call = {
    ...callFrom('llm-call-v1.success.json'),
    input: { messages: [{ role: 'user', content: 'my key is sk-proj-Abcdefghijklmnopqrstuvwx123 and mail me at jane.doe@example.com' }] },
  };

  test('full sends the prompt and response as logged', () => {
    const { attributes } = map(call, 'full');
    expect(attributes['langfuse.observation.input']).toContain('jane.doe@example.com');
    expect(JSON.parse(attributes['langfuse.observation.output'] as string)).toEqual(call.output);
  });

  test('redacted (the default) sends the content as the pipeline hands it over (redaction is end-to-end tested)', () => {
    expect(map(call, 'redacted').attributes['langfuse.observation.input']).toBe(JSON.stringify(call.input));
  });

  test('content longer than the cap is cut with a marker', () => {
    const long = { ...call, output: 'x'.repeat(MAX_CONTENT_CHARS + 10) };
    const output = map(long, 'full').attributes['langfuse.observation.output'] as string;
    expect(output).toBe('x'.repeat(MAX_CONTENT_CHARS) + TRUNCATION_MARKER);
  });

  test('hash sends only the SHA-256 of the prompt and of the response', () => {
    const { attributes } = map(call, 'hash');
    expect(attributes['langfuse.observation.input']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(attributes['langfuse.observation.output']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(attributes['langfuse.observation.input']).not.toBe(attributes['langfuse.observation.output']);
    expect(map(call, 'hash').attributes['langfuse.observation.input']).toBe(attributes['langfuse.observation.input']);
  });

  test('none sends metadata, usage and cost only', () => {
    const { attributes } = map(call, 'none');
    expect(Object.keys(attributes)).not.toContain('langfuse.observation.input');
    expect(Object.keys(attributes)).not.toContain('langfuse.observation.output');
    expect(Object.keys(attributes)).toContain('langfuse.observation.usage_details');
    expect(Object.keys(attributes)).toContain('langfuse.observation.cost_details');
    expect(attributes['langfuse.observation.metadata.content_policy']).toBe('none');
  });
});

describe('small rules', () => {
  test.each([
    ['prod', 'prod'],
    ['Staging EU', 'staging-eu'],
    ['langfuse-test', 'env-langfuse-test'],
    ['', 'default'],
    ['x'.repeat(60), 'x'.repeat(40)],
  ])('environment %s becomes %s', (raw, expected) => {
    expect(langfuseEnvironment(raw)).toBe(expected);
  });

  test.each([
    ['sk-pr***a1b2', 'sk-pr***a1b2'],
    ['sk-proj-Abcdefghijklmnopqrstuvwx123', 'sk-pr***x123'],
    ['short', '***'],
  ])('api key id %s is sent as %s', (raw, expected) => {
    expect(maskedKeyId(raw)).toBe(expected);
  });

  test('the service is the resource name of /aws/<platform>/<name>/<type>, as for Sentry', () => {
    expect(serviceOfLogGroup('/aws/ecs/chat/llm')).toBe('chat');
    expect(serviceOfLogGroup('/aws/rds/instance/atlantis-db/audit')).toBe('instance/atlantis-db');
    expect(serviceOfLogGroup('bedrock-invocations')).toBe('bedrock-invocations');
  });

  test('metadata keys are made safe: no dots, no prototype segments', () => {
    const call = { ...callFrom('llm-call-v1.success.json'), metadata: { 'a.b': 1, __proto__x: 2, constructor: 'c', '': 'empty' } };
    const keys = Object.keys(map(call).attributes).filter((key) => key.startsWith('langfuse.trace.metadata.'));
    expect(keys).toEqual(expect.arrayContaining(['langfuse.trace.metadata.a_b', 'langfuse.trace.metadata.constructor_']));
    expect(keys.some((key) => key.split('.').includes('constructor') || key.split('.').includes('__proto__'))).toBe(false);
  });

  test('the forwarder release fills in when the log has none', () => {
    const call = { ...callFrom('anthropic-message.bare.json') };
    expect(map(call).attributes['langfuse.release']).toBe('forwarder-default-release');
    expect(map(call).attributes['langfuse.trace.name']).toBe('llm-call');
  });
});
