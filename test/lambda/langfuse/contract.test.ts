import { readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CONTENT_POLICIES } from '../../../lambda/langfuse/content-policy';
import { buildChunks, exportBody } from '../../../lambda/langfuse/export-chunks';
import { DOCUMENTED_ATTRIBUTE_NAMES, LANGFUSE_ATTRIBUTE_SOURCE } from '../../../lambda/langfuse/langfuse-attributes';
import { FIXTURE_DIR, fixtureLine } from './fixtures';
import { otlpContractViolations } from './otlp-contract';
import { preparedPayload, preparingDestination } from './prepare';

const FIXTURES = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));

describe('every request body is valid OTLP/JSON with documented Langfuse attributes only', () => {
  test.each(CONTENT_POLICIES)('all fixtures in one export, content policy %s', (policy) => {
    const destination = preparingDestination(policy);
    const payloads = FIXTURES.map((name) => preparedPayload(destination, fixtureLine(name)));
    const chunks = buildChunks(payloads);
    expect(chunks).toHaveLength(1);
    const body = JSON.parse(gunzipSync(chunks[0]!.body).toString('utf8'));
    expect(otlpContractViolations(body)).toEqual([]);
    // Grouped by service: one resource per service, every span present once.
    const services = body.resourceSpans.map((resource: { resource: { attributes: Array<{ value: { stringValue: string } }> } }) => resource.resource.attributes[0]!.value.stringValue);
    expect(new Set(services).size).toBe(services.length);
    expect(body.resourceSpans.flatMap((r: { scopeSpans: Array<{ spans: unknown[] }> }) => r.scopeSpans[0]!.spans)).toHaveLength(FIXTURES.length);
  });

  test('the documented list covers the attributes the issue names and cites its source', () => {
    expect(LANGFUSE_ATTRIBUTE_SOURCE).toBe('https://langfuse.com/integrations/native/opentelemetry#property-mapping');
    expect(DOCUMENTED_ATTRIBUTE_NAMES).toEqual(
      expect.arrayContaining([
        'langfuse.observation.type',
        'langfuse.observation.model.name',
        'langfuse.observation.usage_details',
        'langfuse.observation.cost_details',
        'langfuse.observation.input',
        'langfuse.observation.output',
        'langfuse.observation.level',
        'langfuse.observation.status_message',
        'langfuse.trace.name',
        'user.id',
        'session.id',
        'langfuse.environment',
        'langfuse.release',
        'langfuse.trace.tags',
      ]),
    );
  });
});

describe('the contract check itself can fail', () => {
  const valid = () => JSON.parse(exportBody([preparedPayload(preparingDestination(), fixtureLine('llm-call-v1.success.json'))]));
  const firstSpan = (body: { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }) =>
    body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

  test('a valid body passes', () => {
    expect(otlpContractViolations(valid())).toEqual([]);
  });

  test.each([
    ['an upper-case trace id', (span: Record<string, unknown>) => (span.traceId = String(span.traceId).toUpperCase())],
    ['a 15-character span id', (span: Record<string, unknown>) => (span.spanId = String(span.spanId).slice(1))],
    ['nanoseconds as a number', (span: Record<string, unknown>) => (span.startTimeUnixNano = Number(span.startTimeUnixNano))],
    ['an end before the start', (span: Record<string, unknown>) => (span.endTimeUnixNano = '1000')],
    ['an undocumented attribute', (span: Record<string, unknown>) => (span.attributes as unknown[]).push({ key: 'langfuse.observation.costs', value: { stringValue: '{}' } })],
    ['an int as a JSON number', (span: Record<string, unknown>) => (span.attributes as unknown[]).push({ key: 'user.id', value: { intValue: 42 } })],
    ['an AnyValue with two fields', (span: Record<string, unknown>) => (span.attributes as unknown[]).push({ key: 'session.id', value: { stringValue: 'a', boolValue: true } })],
    ['usage that is not JSON', (span: Record<string, unknown>) => ((span.attributes as Array<{ key: string; value: { stringValue: string } }>).find((a) => a.key === 'langfuse.observation.usage_details')!.value.stringValue = 'input=3')],
    ['a status code 3', (span: Record<string, unknown>) => (span.status = { code: 3 })],
  ])('%s is reported', (_what, mutate) => {
    const body = valid();
    mutate(firstSpan(body));
    expect(otlpContractViolations(body)).not.toEqual([]);
  });
});
