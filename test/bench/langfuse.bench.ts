/**
 * `npm run bench:langfuse`: the bundled Langfuse forwarder on 1,000 LLM events of about 1 KB mixing the five input
 * formats, against a loopback Langfuse receiver that answers at once.
 *
 * The handler runs in a child `node` process (the receiver's own work stays out of its CPU figures) and reports:
 * events per second, HTTP requests per 1,000 events, CPU ms per 1,000 events and the ratio to the floor (gunzip +
 * JSON.parse of the subscription payload and of each message, measured in the same process), bundle size, cold init
 * of the bundle over a bare `node` start, and peak RSS.
 *
 * Next to our ratio it reports the protocol's lower bound, measured in the same child after the timed invocations:
 * the floor plus native `JSON.stringify` of exactly the OTLP export bodies the forwarder sent in its last measured
 * invocation (as the receiver parsed them), their UTF-8 encoding, and gzip at the forwarder's level. It is a lower
 * bound because the mandated protocol (OTLP/HTTP JSON, Langfuse attributes on every span, gzip) needs at least those
 * bytes serialised and compressed, and the engine's own serialiser is the cheapest way to produce them; it pays for
 * none of our format parsing, redaction, mapping, ids or HTTP. With it comes the size ratio of the JSON sent to the
 * log lines it came from: what the protocol makes us write per byte read.
 *
 * The child is the Lambda runtime's Node major (test/support/lambda-node.ts) with the functions' own NODE_OPTIONS;
 * peak RSS is its own (test/support/peak-rss.js).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildForwarderBundle, benchNodeOptions } from '../support/bundle';
import { coldInitOverBareNode } from '../support/cold-init';
import { lambdaNode, type BenchNode } from '../support/lambda-node';
import { median } from '../support/median';
import { FIXTURE_DIR, fixtureLine } from '../lambda/langfuse/fixtures';
import { startLangfuseReceiver, type ReceivedRequest } from '../lambda/langfuse/langfuse-receiver';
import { preparingDestination } from '../lambda/langfuse/prepare';
import { buildChunks, GZIP_LEVEL } from '../../lambda/langfuse/export-chunks';
import type { LangfusePayload } from '../../lambda/langfuse/payload';
import { decodeSubscriptionData } from '../../lambda/pipeline/decode';
import { createRedactor } from '../../lambda/pipeline/redact';
import type { SourceLogEvent } from '../../lambda/pipeline/types';
import type { LangfuseDraft } from '../../lambda/langfuse/destination';

const EVENTS = 1000;
const MEASURED_RUNS = 10;
const TARGETS = { requestsPer1000: 2, floorRatio: 3, bundleBytes: 200 * 1024, coldInitMs: 100, peakRssMb: 128 };

/** The five formats (llm-call/v1; OpenAI + Anthropic; Bedrock; LiteLLM; OTel GenAI), every fixture that is an LLM call. */
const FIXTURES = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));

/** The batch's log lines: the fixtures in turn. */
function logLines(): string[] {
  const lines = FIXTURES.map(fixtureLine);
  return Array.from({ length: EVENTS }, (_, i) => lines[i % lines.length]!);
}

function subscriptionPayload(): string {
  const logEvents = logLines().map((message, i) => ({
    id: (37928309283092830928309283092830928309283092830928309283n + BigInt(i)).toString(),
    timestamp: Date.UTC(2026, 10, 21, 9, 30, 0) + i,
    message,
  }));
  const json = JSON.stringify({
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: '/aws/api/chat/llm',
    logStream: '2026/11/21/[$LATEST]9f0c1d2e',
    subscriptionFilters: ['llm-to-langfuse'],
    logEvents,
  });
  return gzipSync(json).toString('base64');
}

/**
 * Runs in the child: loads the bundle, measures the floor, then timed invocations; then asks the parent (over IPC)
 * for the bodies the last invocation sent and measures the lower bound's share on them.
 */
const CHILD = `
const { gunzipSync, gzipSync } = require('node:zlib');
const { peakRssMb } = require(${JSON.stringify(join(__dirname, '../support/peak-rss.js'))});
const { readFileSync } = require('node:fs');
const [bundle, workload, runs, gzipLevel] = process.argv.slice(1);
const data = readFileSync(workload, 'utf8');
const cpuMs = (start) => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };
const floor = () => {
  const start = process.cpuUsage();
  const payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  for (const event of payload.logEvents) { try { JSON.parse(event.message); } catch {} }
  return cpuMs(start);
};
// The protocol's share of the lower bound, stage by stage: serialise the exact bodies, encode them, gzip them.
const sendingCost = (bodies) => {
  const stages = { jsonStringify: 0, utf8Encode: 0, gzip: 0 };
  for (const body of bodies) {
    let start = process.cpuUsage();
    const json = JSON.stringify(body);
    stages.jsonStringify += cpuMs(start);
    start = process.cpuUsage();
    const bytes = Buffer.from(json, 'utf8');
    stages.utf8Encode += cpuMs(start);
    start = process.cpuUsage();
    gzipSync(bytes, { level: Number(gzipLevel) });
    stages.gzip += cpuMs(start);
  }
  return stages;
};
(async () => {
  const { handler } = require(bundle);
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
  await handler({ awslogs: { data } }, context); // warm: JIT, keep-alive socket
  const firstRssKb = peakRssMb() * 1024; // one invocation in a fresh process
  for (let i = 0; i < 3; i++) floor();
  const floors = [], cpus = [], walls = [], summaries = [];
  for (let i = 0; i < Number(runs); i++) {
    floors.push(floor());
    const wallStart = process.hrtime.bigint();
    const start = process.cpuUsage();
    summaries.push(await handler({ awslogs: { data } }, context));
    cpus.push(cpuMs(start));
    walls.push(Number(process.hrtime.bigint() - wallStart) / 1e6);
  }
  const maxRssKb = peakRssMb() * 1024; // the forwarder's peak, before the lower bound's bodies add theirs
  const sentTexts = await new Promise((resolve) => { process.once('message', resolve); process.send('sent-bodies'); });
  process.disconnect();
  const sentBodies = sentTexts.map((text) => JSON.parse(text));
  for (let i = 0; i < 3; i++) sendingCost(sentBodies);
  const sending = [];
  for (let i = 0; i < Number(runs); i++) sending.push(sendingCost(sentBodies));
  process.stdout.write('\\n@@RESULT' + JSON.stringify({ floors, cpus, walls, summaries, sending, maxRssKb, firstRssKb }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;


interface SendingCost {
  jsonStringify: number;
  utf8Encode: number;
  gzip: number;
}

interface ChildResult {
  floors: number[];
  cpus: number[];
  walls: number[];
  summaries: Array<{ sent: number; parked: number }>;
  /** The lower bound's share per measured run, on the last invocation's bodies. */
  sending: SendingCost[];
  maxRssKb: number;
  firstRssKb: number;
}

/** `sentBodies` answers the child once its invocations are done: the JSON of the bodies the last one sent. */
function runChild(node: BenchNode, bundle: string, workload: string, env: NodeJS.ProcessEnv, sentBodies: () => string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node.execPath, ['-e', CHILD, bundle, workload, String(MEASURED_RUNS), String(GZIP_LEVEL)], { env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.on('message', () => {
      try {
        child.send(sentBodies());
      } catch (error) {
        child.kill();
        reject(error);
      }
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const marker = out.lastIndexOf('@@RESULT');
      if (code !== 0 || marker < 0) reject(new Error(`bench child exited ${code}`));
      else resolve(JSON.parse(out.slice(marker + '@@RESULT'.length).split('\n')[0]!));
    });
  });
}

/**
 * The bodies of the last of `invocations` (all alike), as JSON text for the child, checked to be exactly what was
 * sent: every request accepted, the JSON as long as the one received, and as many spans as that invocation sent.
 */
function lastInvocationBodies(requests: readonly ReceivedRequest[], invocations: number, spansSent: number): { texts: string[]; jsonBytes: number } {
  const perInvocation = requests.length / invocations;
  if (!Number.isInteger(perInvocation)) throw new Error(`${requests.length} export requests over ${invocations} invocations: they differ, so the last one's cannot be told apart`);
  const last = requests.slice(-perInvocation);
  if (last.some((request) => request.status !== 200 || request.body === undefined)) throw new Error('an export of the last invocation was not accepted');
  const texts = last.map((request) => JSON.stringify(request.body));
  const jsonBytes = last.reduce((sum, request) => sum + request.jsonBytes, 0);
  if (texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) !== jsonBytes) throw new Error('the re-serialised bodies differ in size from the JSON received');
  const spans = last.reduce((sum, request) => sum + request.spans.length, 0);
  if (spans !== spansSent) throw new Error(`the last invocation sent ${spansSent} spans; its exports hold ${spans}`);
  return { texts, jsonBytes };
}

/**
 * Where the CPU goes, stage by stage, on the TypeScript sources in this process (same code as the bundle, on the
 * tooling's Node, which the report names): the pipeline's decode, this destination's prepare of every raw line
 * (recognise and parse, JSON read once), the redact stage (redact the call under the content policy, map it to a
 * span, serialise it), and the export encoding.
 */
function breakdownPer1000(data: string): Record<string, number> {
  const redactor = createRedactor();
  const destination = preparingDestination('redacted');
  const cpu = (work: () => void) => {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const samples: Record<string, number[]> = { decode: [], prepare: [], redactAndMap: [], exportEncode: [] };
  for (let run = 0; run < MEASURED_RUNS + 3; run++) {
    let events: readonly SourceLogEvent[] = [];
    const decode = cpu(() => {
      const decoded = decodeSubscriptionData(data);
      if (decoded.ok && decoded.kind === 'data') events = decoded.batch.events;
    });
    const drafts: LangfuseDraft[] = [];
    const prepare = cpu(() => {
      for (const event of events) {
        const result = destination.prepare(event, { environment: 'bench', region: 'eu-west-1' });
        if (result.kind === 'payloads') drafts.push(...result.payloads);
      }
    });
    let payloads: LangfusePayload[] = [];
    const redact = cpu(() => {
      payloads = drafts.map((draft) => destination.redact(draft, redactor));
    });
    const encode = cpu(() => buildChunks(payloads));
    if (run < 3) continue; // warm-up
    samples['decode']!.push(decode);
    samples['prepare']!.push(prepare);
    samples['redactAndMap']!.push(redact);
    samples['exportEncode']!.push(encode);
  }
  return Object.fromEntries(Object.entries(samples).map(([stage, values]) => [stage, Number(((median(values) / EVENTS) * 1000).toFixed(1))]));
}

async function main(): Promise<void> {
  const node = lambdaNode();
  const dir = mkdtempSync(join(tmpdir(), 'langfuse-bench-'));
  const credentials = { publicKey: 'pk-lf-bench', secretKey: 'sk-lf-bench-secret' };
  const receiver = await startLangfuseReceiver(credentials);
  try {
    // Built exactly as it ships (lambda/bundling.ts options), into the repo so `@aws-sdk/*` resolves as in Lambda.
    const { file: bundle, bytes: bundleBytes } = await buildForwarderBundle('langfuse');
    const workload = join(dir, 'payload.b64');
    const data = subscriptionPayload();
    writeFileSync(workload, data);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      LANGFUSE_BASE_URL: receiver.baseUrl,
      LANGFUSE_PUBLIC_KEY: credentials.publicKey,
      LANGFUSE_SECRET_KEY: credentials.secretKey,
      LOGS_ENVIRONMENT: 'bench',
      AWS_REGION: 'eu-west-1',
      LOG_LEVEL: 'WARN',
      NODE_OPTIONS: benchNodeOptions(),
    };

    let sent: { texts: string[]; jsonBytes: number } | undefined;
    const result = await runChild(node, bundle, workload, env, () => {
      sent = lastInvocationBodies(receiver.requests, MEASURED_RUNS + 1, EVENTS);
      return sent.texts;
    });
    if (!sent) throw new Error('the child never asked for the bodies it sent');
    const requestsPerRun = receiver.requests.length / (MEASURED_RUNS + 1);
    const delivered = result.summaries.reduce((sum, s) => sum + s.sent, 0);
    if (delivered !== EVENTS * MEASURED_RUNS || result.summaries.some((s) => s.parked > 0)) throw new Error(`not every event was delivered: ${JSON.stringify(result.summaries)}`);
    const cpuPer1000 = (median(result.cpus) / EVENTS) * 1000;
    const floorPer1000 = (median(result.floors) / EVENTS) * 1000;
    const per1000 = (ms: number) => (ms / EVENTS) * 1000;
    const sendingPer1000 = per1000(median(result.sending.map((stages) => stages.jsonStringify + stages.utf8Encode + stages.gzip)));
    const lowerBoundPer1000 = floorPer1000 + sendingPer1000;
    const logLineBytes = logLines().reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    const coldInit = coldInitOverBareNode(node, bundle, env).overBareMs;
    const figures = {
      node: node.version,
      ...(node.warning ? { warning: node.warning } : {}),
      nodeOptions: benchNodeOptions(),
      events: EVENTS,
      avgEventBytes: Math.round(FIXTURES.map(fixtureLine).reduce((sum, line) => sum + line.length, 0) / FIXTURES.length),
      eventsPerSecond: Math.round(EVENTS / (median(result.walls) / 1000)),
      requestsPer1000Events: (requestsPerRun / EVENTS) * 1000,
      wireBytesPerRequest: Math.round(receiver.requests.reduce((sum, r) => sum + r.wireBytes, 0) / receiver.requests.length),
      cpuMsPer1000Events: Number(cpuPer1000.toFixed(1)),
      floorMsPer1000Events: Number(floorPer1000.toFixed(2)),
      ratioToFloor: Number((cpuPer1000 / floorPer1000).toFixed(1)),
      protocolLowerBoundMsPer1000Events: Number(lowerBoundPer1000.toFixed(2)),
      protocolLowerBoundRatioToFloor: Number((lowerBoundPer1000 / floorPer1000).toFixed(2)),
      sentJsonBytesPerLogLineByte: Number((sent.jsonBytes / logLineBytes).toFixed(2)),
      bundleBytes,
      coldInitOverBareNodeMs: Number(coldInit.toFixed(1)),
      peakRssMb: Number((result.maxRssKb / 1024).toFixed(1)),
      peakRssMbAfterFirstInvocation: Number((result.firstRssKb / 1024).toFixed(1)),
    };
    const checks = {
      requestsPer1000Events: figures.requestsPer1000Events <= TARGETS.requestsPer1000,
      ratioToFloor: figures.ratioToFloor <= TARGETS.floorRatio,
      bundleBytes: figures.bundleBytes <= TARGETS.bundleBytes,
      coldInitOverBareNodeMs: figures.coldInitOverBareNodeMs <= TARGETS.coldInitMs,
      peakRssMb: figures.peakRssMb <= TARGETS.peakRssMb,
    };
    const protocolLowerBound = {
      msPer1000Events: {
        floor: figures.floorMsPer1000Events,
        ...Object.fromEntries((['jsonStringify', 'utf8Encode', 'gzip'] as const).map((stage) => [stage, Number(per1000(median(result.sending.map((stages) => stages[stage]))).toFixed(2))])),
      },
      gzipLevel: GZIP_LEVEL,
      exportRequests: sent.texts.length,
      sentJsonBytes: sent.jsonBytes,
      logLineBytes,
    };
    const cpuMsPer1000ByStage = breakdownPer1000(data);
    // The breakdown runs in this process (the tooling's Node), not in the Lambda runtime's: it says which.
    const stageBreakdownNode = process.version;
    console.log(JSON.stringify({ figures, targets: TARGETS, met: checks, protocolLowerBound, cpuMsPer1000ByStage, stageBreakdownNode }, null, 2));
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
