/**
 * The bundled Langfuse forwarder (the esbuild output that ships, not the TypeScript) against a loopback Langfuse
 * receiver scripting faults (5xx, 429, a 400 for one bad span, 401, connection resets, slow answers, an outage
 * longer than the invocation) and the SQS stand-in as the retry queue, reached through AWS_ENDPOINT_URL_SQS.
 * The rule under test: every LLM event arrives exactly once or is parked (dead-lettered with its reason), and no
 * secret ever reaches the forwarder's own output.
 */
import { gzipSync } from 'node:zlib';
import { buildForwarderBundle } from '../../support/bundle';
import { startSqsStandIn, useSqsStandIn, type SqsStandIn } from '../../support/sqs-stand-in';
import { spanIdFor } from '../../../lambda/langfuse/ids';
import type { BatchResponse, InvocationSummary } from '../../../lambda/pipeline/forwarder';
import { fixtureLine } from './fixtures';
import { startBundledHandler, type BundledHandler } from './bundled-handler';
import { OK, startLangfuseReceiver, type LangfuseReceiver, type ScriptedAnswer } from './langfuse-receiver';
import { otlpContractViolations } from './otlp-contract';
import { attributesOf } from './otlp-reading';

const credentials = { publicKey: 'pk-lf-7c1e2d3f-integration', secretKey: 'sk-lf-0a9b8c7d-integration-secret' };
const LOG_GROUP = '/aws/support-bot/chat/llm';
const LOG_STREAM = '2026/11/21/[$LATEST]5d6e7f80';
const MAX_RECEIVES = 3;
const POISON_MODEL = 'gpt-4o-poisoned-attribute';

const LLM_FIXTURES = [
  'llm-call-v1.success.json',
  'llm-call-v1.rate-limited.json',
  'openai-chat-completion.envelope.json',
  'openai-responses.json',
  'anthropic-message.envelope.json',
  'anthropic-error.envelope.json',
  'bedrock-converse.json',
  'bedrock-invoke-stream.json',
  'litellm-success.json',
  'litellm-failure.json',
  'otel-genai.python-console.json',
  'otel-genai.otlp-span.json',
];
const NOT_LLM = ['{"level":"INFO","message":"cache warmed","service":"support-bot"}', 'START RequestId: 6f7f0961 Version: $LATEST'];

let receiver: LangfuseReceiver;
let sqs: SqsStandIn;
let bundled: BundledHandler;
let phase: 'faults' | 'outage' | 'unauthorised' | 'healthy' = 'faults';
let eventCounter = 0n;
let llmCounter = 0;


/** Real LLM lines (one poisoned) mixed with lines that are not LLM calls. */
function batch(size: number, withPoison = false): { data: string; llmIds: string[] } {
  const logEvents: Array<{ id: string; timestamp: number; message: string }> = [];
  const llmIds: string[] = [];
  for (let i = 0; i < size; i++) {
    eventCounter += 1n;
    const id = (37928309283092830928309283092830928309283092830928300000n + eventCounter).toString();
    const isLlm = i % 5 !== 4;
    let message = isLlm ? fixtureLine(LLM_FIXTURES[llmCounter++ % LLM_FIXTURES.length]!) : NOT_LLM[i % NOT_LLM.length]!;
    if (withPoison && i === 0) message = fixtureLine('llm-call-v1.success.json').replace('gpt-4o-2024-08-06', POISON_MODEL);
    if (isLlm) llmIds.push(id);
    logEvents.push({ id, timestamp: Date.UTC(2026, 10, 21, 10, 0, 0) + i, message });
  }
  const payload = { messageType: 'DATA_MESSAGE', owner: '111122223333', logGroup: LOG_GROUP, logStream: LOG_STREAM, subscriptionFilters: ['llm-to-langfuse'], logEvents };
  return { data: gzipSync(JSON.stringify(payload)).toString('base64'), llmIds };
}

/** Faults in order while `phase` is `faults`; a poisoned span is always refused with 400, as Langfuse refuses a bad export. */
const FAULTS: ScriptedAnswer[] = [
  { kind: 'status', status: 503, body: 'upstream unavailable' },
  { kind: 'reset' },
  { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"message":"rate limit"}' },
  { kind: 'status', status: 502 },
  { kind: 'slow', delayMs: 700, then: OK },
  { kind: 'status', status: 504 },
];
let faultIndex = 0;

beforeAll(async () => {
  const bundle = await buildForwarderBundle('langfuse');
  receiver = await startLangfuseReceiver(credentials);
  sqs = await startSqsStandIn();
  // The stand-in's AWS settings (AWS_ENDPOINT_URL_SQS, throwaway credentials), read into the child's environment.
  const restore = useSqsStandIn(sqs);
  const awsEnv = { ...process.env };
  restore();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    AWS_ENDPOINT_URL_SQS: awsEnv['AWS_ENDPOINT_URL_SQS'],
    AWS_REGION: awsEnv['AWS_REGION'],
    AWS_ACCESS_KEY_ID: awsEnv['AWS_ACCESS_KEY_ID'],
    AWS_SECRET_ACCESS_KEY: awsEnv['AWS_SECRET_ACCESS_KEY'],
    AWS_EC2_METADATA_DISABLED: 'true',
    LANGFUSE_BASE_URL: receiver.baseUrl,
    LANGFUSE_PUBLIC_KEY: credentials.publicKey,
    LANGFUSE_SECRET_KEY: credentials.secretKey,
    RETRY_QUEUE_URL: sqs.queueUrl,
    DEAD_LETTER_QUEUE_URL: sqs.deadLetterQueueUrl,
    RETRY_MAX_RECEIVES: String(MAX_RECEIVES),
    LOGS_ENVIRONMENT: 'integration',
    LANGFUSE_RELEASE: 'forwarder-it',
    LOG_LEVEL: 'INFO',
  };
  receiver.script((request) => {
    if (request.spans.some((span) => attributesOf(span)['langfuse.observation.model.name'] === POISON_MODEL)) {
      return { kind: 'status', status: 400, body: '{"message":"Invalid request: span attribute rejected"}' };
    }
    if (phase === 'outage') return { kind: 'status', status: 503, body: 'maintenance' };
    if (phase === 'unauthorised') return { kind: 'status', status: 401, body: '{"message":"Invalid credentials. Confirm that you\'ve configured the correct host."}' };
    if (phase === 'faults') return FAULTS[faultIndex++] ?? OK;
    return OK;
  });
  bundled = await startBundledHandler(bundle.file, env);
}, 60_000);

afterAll(async () => {
  await bundled?.close();
  await receiver.close();
  await sqs.close();
});

test('every LLM event arrives exactly once or is parked, through faults, an outage, a 401 and the retry queue', async () => {
  const llmIds: string[] = [];
  const send = async (size: number, remainingMs: number, withPoison = false) => {
    const { data, llmIds: ids } = batch(size, withPoison);
    llmIds.push(...ids);
    return bundled.invoke<InvocationSummary>({ awslogs: { data } }, remainingMs);
  };

  // 1. Transient faults, one after another: 503, reset, 429 (Retry-After 1 s), 502, a slow answer, 504.
  phase = 'faults';
  for (let i = 0; i < FAULTS.length; i++) {
    const summary = await send(10, 60_000);
    expect(summary.parked).toBe(0);
    expect(summary.received).toBe(10);
    expect(summary.matched).toBe(8);
  }
  // 2. A batch carrying one span Langfuse refuses: it is isolated and dead-lettered at once (retrying cannot help),
  //    its neighbours delivered.
  phase = 'healthy';
  const poisoned = await send(10, 60_000, true);
  expect(poisoned).toMatchObject({ matched: 8, sent: 7, parked: 0, deadLettered: 1 });
  expect(sqs.deadLetters).toHaveLength(1);
  // 3. An outage longer than the invocation: everything in the batch is parked, nothing is lost.
  phase = 'outage';
  const outage = await send(10, 9_000);
  expect(outage).toMatchObject({ sent: 0, parked: 8 });
  // 4. Rejected credentials: parked, loudly.
  phase = 'unauthorised';
  const unauthorised = await send(10, 60_000);
  expect(unauthorised).toMatchObject({ sent: 0, parked: 8 });
  expect(bundled.stdout.some((line) => line.includes('"level":"ERROR"') && line.includes('LANGFUSE REJECTED THE CREDENTIALS'))).toBe(true);

  // 5. Langfuse is back: the retry queue is drained the way Lambda's SQS event source would.
  phase = 'healthy';
  expect(sqs.messages.length).toBe(16);
  for (let round = 0; round < 2 * MAX_RECEIVES && sqs.messages.length > 0; round++) {
    const event = sqs.receiveAsLambdaEvent(10);
    const response = await bundled.invoke<BatchResponse>(event, 60_000);
    sqs.settle(event, response, MAX_RECEIVES);
  }
  expect(sqs.messages).toHaveLength(0);

  // Exactly once or parked: no span twice; every LLM event either accepted once or dead-lettered with its reason.
  const acceptedCount = new Map<string, number>();
  for (const span of receiver.accepted) acceptedCount.set(span.spanId, (acceptedCount.get(span.spanId) ?? 0) + 1);
  expect([...acceptedCount.values()].every((count) => count === 1)).toBe(true);
  const deadLettered = sqs.deadLetters.map((message) => JSON.parse(message.body) as { reason: string; item: { payload: { spanId: string } } });
  const deadIds = new Set(deadLettered.map((message) => message.item.payload.spanId));
  const expected = llmIds.map((id) => spanIdFor({ logGroup: LOG_GROUP, logStream: LOG_STREAM, id }));
  for (const spanId of expected) expect((acceptedCount.get(spanId) ?? 0) + (deadIds.has(spanId) ? 1 : 0)).toBe(1);
  expect(acceptedCount.size).toBe(expected.length - 1);
  expect(deadLettered).toHaveLength(1);
  expect(deadLettered[0]!.reason).toContain('Langfuse rejected the span: HTTP 400');
  expect(receiver.accepted.some((span) => attributesOf(span)['langfuse.observation.model.name'] === POISON_MODEL)).toBe(false);

  // What arrived is valid OTLP/JSON with documented attributes only, and nothing that is not an LLM call was sent.
  for (const request of receiver.requests) expect(otlpContractViolations(request.body)).toEqual([]);
  // The log's own environment where it names one (llm-call/v1: prod; the OTel resource: staging), else the forwarder's.
  expect(new Set(receiver.accepted.map((span) => attributesOf(span)['langfuse.environment']))).toEqual(new Set(['prod', 'staging', 'integration']));

  // The forwarder's own output never carries the secret key or the Authorization value.
  const output = bundled.stdout.join('\n');
  expect(output).not.toContain(credentials.secretKey);
  expect(output).not.toContain(Buffer.from(`${credentials.publicKey}:${credentials.secretKey}`).toString('base64'));
  // Its EMF documents count the formats it recognised and the requests it made.
  expect(output).toContain('"Recognised.bedrock-invocation-log"');
  expect(output).toContain('"ExportRequests"');
}, 120_000);

test('with the default content policy, secrets in a prompt reach Langfuse redacted by the shared rules', async () => {
  phase = 'healthy';
  const line = JSON.parse(fixtureLine('llm-call-v1.success.json'));
  line.request.messages[1].content = 'Use key sk-proj-Q2hhbmdlTWVQbGVhc2UxMjM0NTY3ODk and email me at jane.doe@example.com';
  line.metadata.password = 'hunter2-but-longer';
  eventCounter += 1n;
  const id = (37928309283092830928309283092830928309283092830928300000n + eventCounter).toString();
  const payload = { messageType: 'DATA_MESSAGE', owner: '111122223333', logGroup: LOG_GROUP, logStream: LOG_STREAM, subscriptionFilters: [], logEvents: [{ id, timestamp: Date.UTC(2026, 10, 21, 10, 5), message: JSON.stringify(line) }] };
  const before = receiver.accepted.length;
  await bundled.invoke({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } }, 60_000);
  const [span] = receiver.accepted.slice(before);
  const sent = JSON.stringify(span);
  expect(sent).not.toContain('sk-proj-Q2hhbmdlTWVQbGVhc2UxMjM0NTY3ODk');
  expect(sent).not.toContain('jane.doe@example.com');
  expect(sent).not.toContain('hunter2-but-longer');
  expect(attributesOf(span!)['langfuse.observation.input']).toContain('[REDACTED:api-key]');
}, 30_000);
