import { parseLlmCall, UNRECOGNISED_REASON } from '../../../lambda/langfuse/formats';
import { msToNs } from '../../../lambda/langfuse/formats/fields';
import { LLM_FORMATS, type LlmCall } from '../../../lambda/langfuse/llm-call';
import { EVENT_TIME_MS, fixture, fixtureLines } from './fixtures';

const context = { eventTimeNs: msToNs(EVENT_TIME_MS) };
const ns = (iso: string) => msToNs(Date.parse(iso));

function parse(name: string): LlmCall {
  const result = parseLlmCall(fixture(name), context);
  if (result.kind !== 'call') throw new Error(`${name} was skipped: ${result.reason}`);
  return result.call;
}

describe('llm-call/v1 (the project schema)', () => {
  test('a successful call: times from timestamp + latency, cached tokens split out of the prompt count', () => {
    const call = parse('llm-call-v1.success.json');
    expect(call.format).toBe(LLM_FORMATS.projectSchema);
    expect(call.model).toBe('gpt-4o-2024-08-06');
    expect(call.startNs).toBe(ns('2026-11-21T09:30:00.123Z'));
    expect(call.endNs - call.startNs).toBe(2310n * 1_000_000n);
    // 1832 prompt tokens of which 1024 cached: 808 uncached input + 1024 cache reads.
    expect(call.usage).toEqual({ input: 808, output: 211, cacheRead: 1024, cacheWrite: 0, total: 2043 });
    expect(call.costUsd).toBeUndefined();
    expect(call).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      requestId: 'req_01JD7Q6M8K3V',
      sessionId: 'sess_8c1d',
      userId: 'u_10442',
      apiKeyId: 'sk-pr***a1b2',
      service: 'api',
      operation: 'chat.answer',
      provider: 'openai',
      environment: 'prod',
      release: 'api@2026.11.20',
      tags: ['chat'],
      modelParameters: { temperature: 0.2, max_tokens: 1024 },
      failed: false,
      metadata: { tenant: 'acme', feature: 'billing-assistant' },
    });
    expect(call.input).toEqual({ messages: expect.any(Array) });
  });

  test('a rate-limited call fails with its status and error', () => {
    const call = parse('llm-call-v1.rate-limited.json');
    expect(call.failed).toBe(true);
    expect(call.statusCode).toBe(429);
    expect(call.error).toEqual({ type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' });
  });
});

describe('OpenAI', () => {
  test('a bare chat completion: start from `created`, cached tokens from prompt_tokens_details', () => {
    const call = parse('openai-chat-completion.bare.json');
    expect(call.format).toBe(LLM_FORMATS.openaiChat);
    expect(call.model).toBe('gpt-4o-mini-2024-07-18');
    expect(call.startNs).toBe(1795253400n * 1_000_000_000n);
    expect(call.endNs).toBe(call.startNs);
    expect(call.usage).toEqual({ input: 138, output: 17, cacheRead: 1280, cacheWrite: 0, total: 1435 });
    expect(call.output).toEqual([expect.objectContaining({ role: 'assistant' })]);
    expect(call.metadata).toMatchObject({ finish_reasons: 'stop', response_id: 'chatcmpl-AXq1p9YzR3tKz0w2bQ8vUe1Jm4nLs' });
  });

  test('an envelope with request and response: prompt from the request, parameters allow-listed', () => {
    const call = parse('openai-chat-completion.envelope.json');
    expect(call.format).toBe(LLM_FORMATS.openaiChat);
    expect(call.model).toBe('gpt-4.1-mini-2025-04-14');
    expect(call.startNs).toBe(ns('2026-11-21T09:32:05.018Z'));
    expect(call.endNs - call.startNs).toBe(1742n * 1_000_000n);
    expect(call.traceId).toBe('1-691f3a05-7c2d4e8f9a1b3c5d7e9f0a1b');
    expect(call).toMatchObject({ service: 'support-bot', sessionId: 'conv_5521', userId: 'u_77031' });
    expect(call.modelParameters).toEqual({ temperature: 0.3, max_completion_tokens: 512 });
    expect(call.input).toEqual({ messages: expect.any(Array) });
    expect(call.usage).toEqual({ input: 96, output: 22, cacheRead: 0, cacheWrite: 0, total: 118 });
  });

  test('a Responses API object: input_tokens / output_tokens, reasoning counted as output', () => {
    const call = parse('openai-responses.json');
    expect(call.format).toBe(LLM_FORMATS.openaiResponses);
    expect(call.model).toBe('o4-mini-2025-04-16');
    expect(call.usage).toEqual({ input: 162, output: 640, cacheRead: 2048, cacheWrite: 0, total: 2850 });
    expect(call.modelParameters).toMatchObject({ reasoning_effort: 'medium', temperature: 1, top_p: 1 });
    expect(call.input).toMatchObject({ instructions: expect.any(String), input: expect.any(Array) });
    expect(call.traceId).toBe('5b8aa5a2-d2c8-72e8-321c-f37308d69df2');
    expect(call.failed).toBe(false);
  });

  test('an error body with the request beside it is a failed call of the requested model', () => {
    const call = parse('openai-error.envelope.json');
    expect(call).toMatchObject({ model: 'gpt-4o', failed: true, statusCode: 400 });
    expect(call.error?.type).toBe('invalid_request_error');
    expect(call.error?.message).toMatch(/max_tokens is too large/);
    expect(call.usage).toBeUndefined();
  });
});

describe('Anthropic', () => {
  test('cache reads and writes are separate buckets (input_tokens excludes them)', () => {
    const call = parse('anthropic-message.envelope.json');
    expect(call.format).toBe(LLM_FORMATS.anthropicMessages);
    expect(call.usage).toEqual({ input: 21, output: 37, cacheRead: 18816, cacheWrite: 0, total: 18874 });
    expect(call).toMatchObject({ provider: 'anthropic', sessionId: 's-2f1e', userId: 'u_20931', tags: ['rag'] });
    expect(call.input).toMatchObject({ system: expect.any(Array), messages: expect.any(Array) });
    expect(call.modelParameters).toEqual({ max_tokens: 1024, temperature: 0.5 });
    expect(call.metadata).toMatchObject({ stop_reason: 'end_turn' });
  });

  test('a bare message without times starts at the CloudWatch event time', () => {
    const call = parse('anthropic-message.bare.json');
    expect(call.startNs).toBe(context.eventTimeNs);
    expect(call.usage).toEqual({ input: 412, output: 11, cacheRead: 0, cacheWrite: 2048, total: 2471 });
  });

  test('an overloaded error is a failed call', () => {
    const call = parse('anthropic-error.envelope.json');
    expect(call).toMatchObject({ model: 'claude-opus-4-1-20250805', failed: true, statusCode: 529 });
    expect(call.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
  });
});

describe('Bedrock model invocation logs', () => {
  test('Converse: latency from metrics.latencyMs, model from the inference-profile ARN', () => {
    const call = parse('bedrock-converse.json');
    expect(call.format).toBe(LLM_FORMATS.bedrock);
    expect(call.model).toBe('eu.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(call.startNs).toBe(ns('2026-11-21T09:40:01Z'));
    expect(call.endNs - call.startNs).toBe(612n * 1_000_000n);
    expect(call.usage).toEqual({ input: 38, output: 14, cacheRead: 0, cacheWrite: 0, total: 52 });
    expect(call.requestId).toBe('d7bcb2c4-0f4e-4c37-9a6f-3a1b2c9e8f71');
    expect(call.modelParameters).toEqual({ maxTokens: 256, temperature: 0, topP: 0.9 });
    expect(call.metadata).toMatchObject({ team: 'claims', costCentre: 'CC-1234', bedrock_operation: 'Converse', bedrock_inference_region: 'eu-west-3' });
  });

  test('a streamed invoke: latency and first byte from the invocation metrics, cache counts from the input', () => {
    const call = parse('bedrock-invoke-stream.json');
    expect(call.endNs - call.startNs).toBe(5210n * 1_000_000n);
    expect(call.completionStartNs! - call.startNs).toBe(820n * 1_000_000n);
    expect(call.usage).toEqual({ input: 512, output: 230, cacheRead: 4096, cacheWrite: 1024, total: 5862 });
    expect(call.modelParameters).toMatchObject({ max_tokens: 1024, temperature: 0.7, anthropic_version: 'bedrock-2023-05-31' });
    // The system prompt and messages are content, never parameters.
    expect(call.modelParameters).not.toHaveProperty('system');
  });

  test('Nova InvokeModel without latency lasts zero time at its timestamp', () => {
    const call = parse('bedrock-nova-invoke.json');
    expect(call.model).toBe('amazon.nova-lite-v1:0');
    expect(call.endNs).toBe(call.startNs);
    expect(call.usage?.output).toBe(17);
  });

  test('a throttled invocation is a failed call', () => {
    const call = parse('bedrock-error.json');
    expect(call.failed).toBe(true);
    expect(call.error).toEqual({ type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
  });
});

describe('LiteLLM StandardLoggingPayload', () => {
  test('a success: float-second times, logged cost, end user, tags, and never the key hash', () => {
    const call = parse('litellm-success.json');
    expect(call.format).toBe(LLM_FORMATS.litellm);
    expect(call.startNs).toBe(1795254180412733000n);
    expect(call.endNs).toBe(1795254181904121000n);
    expect(call.completionStartNs).toBe(1795254181101455000n);
    expect(call.costUsd).toBe(0.000623);
    expect(call.usage).toEqual({ input: 28, output: 39, cacheRead: 1024, cacheWrite: 0, total: 1091 });
    expect(call).toMatchObject({
      userId: 'cust_41002',
      sessionId: 'chat-5e1b',
      operation: 'ticket.reply',
      traceId: '2c0d1e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      tags: ['support', 'tier-2'],
      provider: 'azure',
    });
    expect(JSON.stringify(call.metadata)).not.toContain('88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b');
    expect(call.metadata).toMatchObject({ ticket: 'T-99812', litellm_key_alias: 'support-bot-prod' });
  });

  test('a failure nested under standard_logging_object carries the provider status and error class', () => {
    const call = parse('litellm-failure.json');
    expect(call).toMatchObject({ failed: true, statusCode: 429, model: 'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0' });
    expect(call.error?.type).toBe('RateLimitError');
    expect(JSON.stringify(call.metadata)).not.toContain('0f9e8d7c6b5a49382716');
  });
});

describe('OTel GenAI attributes', () => {
  test('Python console exporter span: 0x ids, microsecond ISO times, resource service and environment', () => {
    const call = parse('otel-genai.python-console.json');
    expect(call.format).toBe(LLM_FORMATS.otelGenAi);
    expect(call.model).toBe('gpt-4o-2024-08-06');
    expect(call.startNs).toBe(ns('2026-11-21T09:45:00.104Z') + 512_000n);
    expect(call.traceId).toBe('0x5b8aa5a2d2c872e8321cf37308d69df2');
    expect(call).toMatchObject({ service: 'release-notes', environment: 'staging', release: '4.2.0', sessionId: 'conv-00812', operation: 'chat gpt-4o' });
    expect(call.usage).toEqual({ input: 176, output: 402, cacheRead: 2944, cacheWrite: 0, total: 3522 });
    expect(call.modelParameters).toEqual({ temperature: 0.7, max_tokens: 800, top_p: 1 });
    expect(call.output).toEqual([expect.objectContaining({ role: 'assistant' })]);
  });

  test('OTLP/JSON span: typed attribute values and exact nanosecond times', () => {
    const call = parse('otel-genai.otlp-span.json');
    expect(call.startNs).toBe(1795254360000123456n);
    expect(call.endNs).toBe(1795254361250456789n);
    expect(call.usage).toEqual({ input: 250, output: 88, cacheRead: 1024, cacheWrite: 256, total: 1618 });
    expect(call).toMatchObject({ userId: 'u_5120', sessionId: 'sess-aa01', provider: 'anthropic', model: 'claude-haiku-4-5-20251001' });
    expect(call.modelParameters).toEqual({ max_tokens: 512, temperature: 0.2 });
  });

  test('flat attributes with error.type: a failed call', () => {
    const call = parse('otel-genai.error.flat.json');
    expect(call).toMatchObject({ failed: true, model: 'amazon.nova-pro-v1:0', service: 'quote-engine' });
    expect(call.error?.type).toBe('ValidationException');
  });

  test('JS console exporter span: microsecond timestamp and duration', () => {
    const call = parse('otel-genai.js-console.json');
    expect(call.startNs).toBe(1795254480123456000n);
    expect(call.endNs - call.startNs).toBe(902_000_000n);
    expect(call.usage).toEqual({ input: 210, output: 35, cacheRead: 0, cacheWrite: 0, total: 245 });
  });
});

describe('lines that are not LLM calls', () => {
  test.each(fixtureLines('not-llm.jsonl'))('%s is skipped with a reason', (line) => {
    const result = parseLlmCall(JSON.parse(line), context);
    expect(result.kind).toBe('skip');
    if (result.kind === 'skip') expect(result.reason.length).toBeGreaterThan(0);
  });

  test('a log line that matches no format says which formats were tried', () => {
    expect(parseLlmCall({ level: 'INFO', message: 'hello' }, context)).toEqual({ kind: 'skip', reason: UNRECOGNISED_REASON });
  });
});
