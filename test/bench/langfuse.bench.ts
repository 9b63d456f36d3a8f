/**
 * `npm run bench:langfuse`: the bundled Langfuse forwarder on 1,000 LLM events of about 1 KB mixing the five input
 * formats, against a loopback Langfuse receiver that answers at once.
 *
 * The handler runs in a child `node` process (the receiver's own work stays out of its CPU figures) and reports:
 * events per second, HTTP requests per 1,000 events, CPU ms per 1,000 events and the ratio to the floor (gunzip +
 * JSON.parse of the subscription payload and of each message, measured in the same process), bundle size, cold init
 * of the bundle over a bare `node` start, and peak RSS.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildForwarderBundle, benchNodeOptions } from '../support/bundle';
import { FIXTURE_DIR, fixtureLine } from '../lambda/langfuse/fixtures';
import { startLangfuseReceiver } from '../lambda/langfuse/langfuse-receiver';
import { preparingDestination } from '../lambda/langfuse/prepare';
import { buildChunks } from '../../lambda/langfuse/export-chunks';
import type { LangfusePayload } from '../../lambda/langfuse/payload';
import { decodeSubscriptionData } from '../../lambda/pipeline/decode';
import { createRedactor } from '../../lambda/pipeline/redact';
import type { SourceLogEvent } from '../../lambda/pipeline/types';
import type { LangfuseDraft } from '../../lambda/langfuse/destination';

const EVENTS = 1000;
const MEASURED_RUNS = 10;
const COLD_STARTS = 21;
const TARGETS = { requestsPer1000: 2, floorRatio: 3, bundleBytes: 200 * 1024, coldInitMs: 100, peakRssMb: 128 };

/** The five formats (llm-call/v1; OpenAI + Anthropic; Bedrock; LiteLLM; OTel GenAI), every fixture that is an LLM call. */
const FIXTURES = readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.json'));

function subscriptionPayload(): string {
  const lines = FIXTURES.map(fixtureLine);
  const logEvents = Array.from({ length: EVENTS }, (_, i) => ({
    id: (37928309283092830928309283092830928309283092830928309283n + BigInt(i)).toString(),
    timestamp: Date.UTC(2026, 10, 21, 9, 30, 0) + i,
    message: lines[i % lines.length]!,
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

/** Runs in the child: loads the bundle, measures the floor, then timed invocations. */
const CHILD = `
const { gunzipSync } = require('node:zlib');
const { readFileSync } = require('node:fs');
const [bundle, workload, runs] = process.argv.slice(1);
const data = readFileSync(workload, 'utf8');
const cpuMs = (start) => { const d = process.cpuUsage(start); return (d.user + d.system) / 1000; };
const floor = () => {
  const start = process.cpuUsage();
  const payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
  for (const event of payload.logEvents) { try { JSON.parse(event.message); } catch {} }
  return cpuMs(start);
};
(async () => {
  const { handler } = require(bundle);
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
  await handler({ awslogs: { data } }, context); // warm: JIT, keep-alive socket
  const firstRssKb = process.resourceUsage().maxRSS; // one invocation in a fresh process
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
  process.stdout.write('\\n@@RESULT' + JSON.stringify({ floors, cpus, walls, summaries, maxRssKb: process.resourceUsage().maxRSS, firstRssKb }) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Wall time of one `node` start running `args`. */
function startMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Cold init of the bundle over a bare start: the two alternate, so drift on a shared machine hits both alike. */
function coldInitOverBareMs(bundle: string, env: NodeJS.ProcessEnv): number {
  const differences: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    const bare = startMs(['-e', ''], env);
    const loaded = startMs(['-e', `require(${JSON.stringify(bundle)})`], env);
    differences.push(loaded - bare);
  }
  return median(differences);
}

function runChild(bundle: string, workload: string, env: NodeJS.ProcessEnv): Promise<{ floors: number[]; cpus: number[]; walls: number[]; summaries: Array<{ sent: number; parked: number }>; maxRssKb: number; firstRssKb: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, bundle, workload, String(MEASURED_RUNS)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const marker = out.lastIndexOf('@@RESULT');
      if (code !== 0 || marker < 0) reject(new Error(`bench child exited ${code}`));
      else resolve(JSON.parse(out.slice(marker + '@@RESULT'.length).split('\n')[0]!));
    });
  });
}

/**
 * Where the CPU goes, stage by stage, on the TypeScript sources in this process (same code as the bundle): the
 * pipeline's decode, this destination's prepare of every raw line (recognise and parse, JSON read once), the redact
 * stage (redact the call under the content policy, map it to a span, serialise it), and the export encoding.
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

    const result = await runChild(bundle, workload, env);
    const requestsPerRun = receiver.requests.length / (MEASURED_RUNS + 1);
    const sent = result.summaries.reduce((sum, s) => sum + s.sent, 0);
    if (sent !== EVENTS * MEASURED_RUNS || result.summaries.some((s) => s.parked > 0)) throw new Error(`not every event was delivered: ${JSON.stringify(result.summaries)}`);
    const cpuPer1000 = (median(result.cpus) / EVENTS) * 1000;
    const floorPer1000 = (median(result.floors) / EVENTS) * 1000;
    const coldInit = coldInitOverBareMs(bundle, env);
    const figures = {
      nodeOptions: benchNodeOptions(),
      events: EVENTS,
      avgEventBytes: Math.round(FIXTURES.map(fixtureLine).reduce((sum, line) => sum + line.length, 0) / FIXTURES.length),
      eventsPerSecond: Math.round(EVENTS / (median(result.walls) / 1000)),
      requestsPer1000Events: (requestsPerRun / EVENTS) * 1000,
      wireBytesPerRequest: Math.round(receiver.requests.reduce((sum, r) => sum + r.wireBytes, 0) / receiver.requests.length),
      cpuMsPer1000Events: Number(cpuPer1000.toFixed(1)),
      floorMsPer1000Events: Number(floorPer1000.toFixed(2)),
      ratioToFloor: Number((cpuPer1000 / floorPer1000).toFixed(1)),
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
    const cpuMsPer1000ByStage = breakdownPer1000(data);
    console.log(JSON.stringify({ figures, targets: TARGETS, met: checks, cpuMsPer1000ByStage }, null, 2));
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
