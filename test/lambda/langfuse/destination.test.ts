import { createHash } from 'node:crypto';
import { LangfuseActivity } from '../../../lambda/langfuse/activity';
import type { ContentPolicy } from '../../../lambda/langfuse/content-policy';
import { basicAuthorization, DEFAULT_LANGFUSE_BASE_URL, LangfuseConfigError, readLangfuseConfig } from '../../../lambda/langfuse/config';
import { MAX_SPAN_BYTES } from '../../../lambda/langfuse/destination';
import { LLM_FORMATS } from '../../../lambda/langfuse/llm-call';
import { createLogger } from '../../../lambda/pipeline/logger';
import { fixtureLine } from './fixtures';
import { attributesOf } from './otlp-reading';
import { FORWARDER_CONTEXT, logEvent, preparedPayload, preparingDestination } from './prepare';

describe('prepare', () => {
  test("reads the JSON behind Lambda's text log prefix, redacting it structurally", () => {
    const line = JSON.parse(fixtureLine('llm-call-v1.success.json'));
    line.metadata.credentials = { password: 'correct-horse-battery' };
    const message = `2026-11-21T09:30:02.433Z\t6f7f0961-0fd4-4b1e-9e3a-6a4f2a8d1c10\tINFO\t${JSON.stringify(line)}`;
    const payload = preparedPayload(preparingDestination(), message);
    expect(payload.spanJson).not.toContain('correct-horse-battery');
    expect(attributesOf(JSON.parse(payload.spanJson))['langfuse.observation.model.name']).toBe('gpt-4o-2024-08-06');
  });

  test('a span too large for one export keeps everything but its prompt and response', () => {
    const line = JSON.parse(fixtureLine('llm-call-v1.success.json'));
    // 190k characters each, within the content cap, but three UTF-8 bytes apiece: together over the span bound.
    line.request = { messages: [{ role: 'user', content: '中'.repeat(190_000) }] };
    line.response = { role: 'assistant', content: '文'.repeat(190_000) };
    const payload = preparedPayload(preparingDestination('full'), JSON.stringify(line));
    expect(Buffer.byteLength(payload.spanJson) <= MAX_SPAN_BYTES).toBe(true);
    const attributes = attributesOf(JSON.parse(payload.spanJson));
    expect(/^\[content dropped: span over \d+ bytes\]$/.test(String(attributes['langfuse.observation.input']))).toBe(true);
    expect(attributes['langfuse.observation.usage_details']).toBeDefined();
  });

  test('counts recognised formats and skipped lines with their reasons', () => {
    const activity = new LangfuseActivity();
    const destination = preparingDestination('redacted', activity);
    destination.prepare(logEvent(fixtureLine('bedrock-converse.json')), FORWARDER_CONTEXT);
    destination.prepare(logEvent(fixtureLine('bedrock-nova-invoke.json')), FORWARDER_CONTEXT);
    destination.prepare(logEvent('REPORT RequestId: 6f7f0961 Duration: 12.50 ms'), FORWARDER_CONTEXT);
    expect(activity.recognisedCount(LLM_FORMATS.bedrock)).toBe(2);
    expect(activity.skippedCount).toBe(1);
    const lines: string[] = [];
    const metrics: string[] = [];
    activity.flush({ environment: 'prod', logger: createLogger({ service: 'langfuse-forwarder', sink: (l) => lines.push(l) }), metricsSink: (l) => metrics.push(l) });
    const emf = JSON.parse(metrics[0]!);
    expect(emf).toMatchObject({ Destination: 'langfuse', Environment: 'prod', 'Recognised.bedrock-invocation-log': 2, 'Recognised.otel-genai': 0, SkippedLines: 1 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ message: 'lines skipped: not an LLM call', reason: 'not a JSON log line', count: 1 })]);
    expect(activity.skippedCount).toBe(0);
  });

  test('a payload read back from the retry queue in an unknown shape is failed, not sent', async () => {
    const destination = preparingDestination();
    const report = await destination.deliver([{ spanJson: 42 } as never], { at: Date.now() + 1000, remainingMs: () => 1000 });
    expect(report).toEqual({ delivered: 0, failed: [{ payload: { spanJson: 42 }, reason: 'malformed Langfuse payload', retryable: false }] });
  });
});

describe('redaction of what leaves, per content policy', () => {
  const SECRET_PROMPT = 'my key is sk-proj-Abcdefghijklmnopqrstuvwx123 and mail me at jane.doe@example.com';
  const line = () => {
    const parsed = JSON.parse(fixtureLine('llm-call-v1.success.json'));
    parsed.request = { messages: [{ role: 'user', content: SECRET_PROMPT }] };
    parsed.metadata = { ...parsed.metadata, owner: 'ops@example.com', credentials: { user: 'bob', pin: '1234' } };
    return JSON.stringify(parsed);
  };
  const attributesUnder = (policy: ContentPolicy) => attributesOf(JSON.parse(preparedPayload(preparingDestination(policy), line()).spanJson));

  test('full sends the prompt as logged, redacted applies the shared rules to it: the two differ', () => {
    const full = attributesUnder('full')['langfuse.observation.input'] as string;
    const redacted = attributesUnder('redacted')['langfuse.observation.input'] as string;
    expect(full).toContain(SECRET_PROMPT);
    expect(redacted).not.toBe(full);
    expect(JSON.parse(redacted)).toEqual({ messages: [{ role: 'user', content: 'my key is [REDACTED:api-key] and mail me at [REDACTED:email]' }] });
  });

  test.each<ContentPolicy>(['full', 'redacted', 'hash', 'none'])('under %s every other attribute is still redacted', (policy) => {
    const attributes = attributesUnder(policy);
    const { ['langfuse.observation.input']: _input, ['langfuse.observation.output']: _output, ...others } = attributes;
    const text = JSON.stringify(others);
    expect(text).not.toMatch(/ops@example\.com|"pin"|1234"/);
    expect(attributes['langfuse.trace.metadata.owner']).toBe('[REDACTED:email]');
    expect(attributes['langfuse.trace.metadata.credentials']).toBe('[REDACTED:secret]');
  });

  test('hash sends the SHA-256 of the prompt as logged, not of its redacted form', () => {
    const input = attributesUnder('hash')['langfuse.observation.input'];
    const logged = JSON.stringify({ messages: [{ role: 'user', content: SECRET_PROMPT }] });
    expect(input).toBe(`sha256:${createHash('sha256').update(logged).digest('hex')}`);
  });

  test('the trace id comes from the raw log: a trace id the rules would redact still keeps its trace', () => {
    const parsed = JSON.parse(line());
    parsed.trace_id = 'AKIAIOSFODNN7EXAMPLE'; // looks like an AWS access key: redacted as metadata, not merged as a trace
    const other = { ...parsed, trace_id: 'AKIAI44QH8DHBEXAMPLE' };
    const destination = preparingDestination();
    const a = preparedPayload(destination, JSON.stringify(parsed));
    const b = preparedPayload(destination, JSON.stringify(other));
    expect(a.traceId).not.toBe(b.traceId);
    expect(a.spanJson).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('configuration', () => {
  const base = { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LOGS_ENVIRONMENT: 'prod', AWS_REGION: 'eu-west-1' };

  test('defaults: Langfuse Cloud over https, redacted content, built-in prices', () => {
    const config = readLangfuseConfig(base);
    expect(config.endpoint.href).toBe(`${DEFAULT_LANGFUSE_BASE_URL}/api/public/otel/v1/traces`);
    expect(config.contentPolicy).toBe('redacted');
    expect(config.forwarder.context).toEqual({ environment: 'prod', region: 'eu-west-1' });
    expect(config.warnings).toEqual([]);
  });

  test('a self-hosted base URL with a path keeps the path', () => {
    expect(readLangfuseConfig({ ...base, LANGFUSE_BASE_URL: 'https://langfuse.internal.example/eu' }).endpoint.href).toBe(
      'https://langfuse.internal.example/eu/api/public/otel/v1/traces',
    );
  });

  test.each(['http://langfuse.internal.example', 'ftp://127.0.0.1', 'not a url'])('%s is refused: keys never travel in clear', (url) => {
    expect(() => readLangfuseConfig({ ...base, LANGFUSE_BASE_URL: url })).toThrow(LangfuseConfigError);
  });

  test('plain http is allowed to this machine only', () => {
    expect(readLangfuseConfig({ ...base, LANGFUSE_BASE_URL: 'http://127.0.0.1:3000' }).endpoint.origin).toBe('http://127.0.0.1:3000');
  });

  test('recoverable problems become warnings: unknown policy means none, bad price overrides are ignored', () => {
    const config = readLangfuseConfig({ ...base, LANGFUSE_PUBLIC_KEY: '', LANGFUSE_CONTENT_POLICY: 'hashed', LLM_PRICE_OVERRIDES: '{oops' });
    expect(config.contentPolicy).toBe('none');
    expect(config.warnings).toEqual([
      'LLM_PRICE_OVERRIDES is not valid JSON; using built-in prices',
      'LANGFUSE_PUBLIC_KEY is not set; every span will be parked until it is',
      expect.stringContaining('LANGFUSE_CONTENT_POLICY must be one of full, redacted, hash, none, got "hashed"'),
    ]);
  });

  test('LANGFUSE_ENVIRONMENT wins over LOGS_ENVIRONMENT', () => {
    expect(readLangfuseConfig({ ...base, LANGFUSE_ENVIRONMENT: 'prod-eu' }).forwarder.context.environment).toBe('prod-eu');
  });

  test('Basic auth is public:secret in base64', () => {
    expect(basicAuthorization('pk-lf-1', 'sk-lf-2')).toBe(`Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}`);
  });
});
