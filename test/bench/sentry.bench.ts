/**
 * `npm run bench:sentry`: the shipped Sentry forwarder bundle on a ~1 MB (decompressed) subscription batch mixing
 * every log format it understands, against a loopback Sentry receiver that answers at once.
 *
 * Reports events/s, CPU ms per 1,000 events, the floor (gunzip + JSON.parse of the payload and of each message, the
 * least any forwarder must do) and our ratio to it, the bundle size, the bundle's cold init over a bare `node`
 * start, and peak RSS. Runs twice: with the default storm cap (10 per fingerprint) and with the cap lifted, so every
 * detected error is sent (one HTTP request each).
 */
import { execFileSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { subscriptionEvent, type FixtureLogEvent } from '../fixtures/logs/cloudwatch-payload';
import { ERROR_FIXTURES, NON_ERRORS } from '../fixtures/logs/error-lines';
import { buildForwarderBundle, benchNodeOptions, type BuiltBundle } from '../support/bundle';
import { startSentryReceiver } from '../support/sentry-receiver';
import { startSqsStandIn } from '../support/sqs-stand-in';

const TARGET_DECOMPRESSED_BYTES = 1024 * 1024;
const ITERATIONS = 15;
const INIT_RUNS = 15;
const TARGETS = { cpuRatio: 3, bundleKb: 200, initMs: 100, rssMb: 128 } as const;

/** Every error format, with a share of ordinary lines, each made unique the way real traffic is (ids, numbers). */
function mixedBatch(): { events: FixtureLogEvent[]; bytes: number } {
  const events: FixtureLogEvent[] = [];
  let bytes = 0;
  for (let i = 0; bytes < TARGET_DECOMPRESSED_BYTES; i++) {
    const template = i % 5 === 4 ? NON_ERRORS[i % NON_ERRORS.length].message : ERROR_FIXTURES[i % ERROR_FIXTURES.length].message;
    const message = template.replace(/8812/g, String(8812 + i)).replace(/req-7f3a/g, `req-${i.toString(16)}`);
    events.push({ message, id: String(37719999372640478163573591346497413537837468512318914560n + BigInt(i)) });
    bytes += Buffer.byteLength(message) + 120; // plus the event's id/timestamp envelope in the JSON
  }
  return { events, bytes };
}

const DRIVER = `
const zlib = require('node:zlib');
const initStart = process.hrtime.bigint();
const { handler } = require(process.env.BUNDLE_FILE);
const initMs = Number(process.hrtime.bigint() - initStart) / 1e6;
const cpuMs = (from) => { const d = process.cpuUsage(from); return (d.user + d.system) / 1000; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.on('message', async ({ event, iterations }) => {
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000 };
  let summary = await handler(event, context); // warm-up: first-use costs (sockets, JIT) are not the steady state
  const firstRssMb = process.resourceUsage().maxRSS / 1024; // one invocation in a fresh process
  const cpu = [], wall = [], floor = [];
  for (let i = 0; i < iterations; i++) {
    const c = process.cpuUsage(); const t = process.hrtime.bigint();
    summary = await handler(event, context);
    cpu.push(cpuMs(c)); wall.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  // Peak RSS of the forwarder itself, read before the floor below adds its own garbage to the process.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  for (let i = 0; i < iterations; i++) {
    const c = process.cpuUsage();
    const batch = JSON.parse(zlib.gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'));
    for (const e of batch.logEvents) { try { JSON.parse(e.message); } catch {} }
    floor.push(cpuMs(c));
  }
  process.send({ initMs, summary, cpuMs: median(cpu), wallMs: median(wall), floorMs: median(floor), maxRssMb, firstRssMb });
});
process.send({ ready: true });
`;

async function measure(bundle: BuiltBundle, env: Record<string, string>, event: unknown) {
  const driver = path.join(path.dirname(bundle.file), 'bench-driver.js');
  fs.writeFileSync(driver, DRIVER);
  const child = fork(driver, [], { env: { PATH: process.env.PATH ?? '', ...env, BUNDLE_FILE: bundle.file, NODE_OPTIONS: benchNodeOptions() }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
  // A child that dies (e.g. a V8 flag NODE_OPTIONS refuses) fails the benchmark instead of hanging it.
  const died = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`bench child exited with ${code} (NODE_OPTIONS="${benchNodeOptions()}")`))));
  await Promise.race([new Promise<void>((resolve) => child.once('message', () => resolve())), died]);
  const result = await Promise.race([
    new Promise<{ initMs: number; summary: Record<string, number>; cpuMs: number; wallMs: number; floorMs: number; maxRssMb: number; firstRssMb: number }>((resolve) => {
      child.once('message', (message) => resolve(message as never));
      child.send({ event, iterations: ITERATIONS });
    }),
    died,
  ]);
  child.removeAllListeners('exit');
  child.kill();
  return result;
}

/** Wall time of `node` requiring the bundle, minus `node` doing nothing: what the bundle adds to a cold start. */
function coldInitOverBareNode(bundle: BuiltBundle, env: Record<string, string>): { bareMs: number; withBundleMs: number } {
  const run = (script: string) => {
    const times: number[] = [];
    for (let i = 0; i < INIT_RUNS; i++) {
      const started = process.hrtime.bigint();
      execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env, NODE_OPTIONS: benchNodeOptions() } });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  };
  return { bareMs: run(''), withBundleMs: run(`require(${JSON.stringify(bundle.file)})`) };
}

async function main() {
  const bundle = await buildForwarderBundle('sentry');
  const mapBytes = fs.statSync(`${bundle.file}.map`).size;
  const sentry = await startSentryReceiver();
  const sqs = await startSqsStandIn();
  const { events, bytes } = mixedBatch();
  const event = subscriptionEvent({ logGroup: '/aws/ecs/checkout/errors', events });
  const compressed = Buffer.from(event.awslogs.data, 'base64').length;
  const env = {
    SENTRY_DSN: sentry.dsn,
    RETRY_QUEUE_URL: sqs.queueUrl,
    LOGS_ENVIRONMENT: 'bench',
    LOG_LEVEL: 'WARN',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
  };
  const init = coldInitOverBareNode(bundle, env);
  const runs = [
    { label: 'default storm cap (10 per fingerprint)', result: await measure(bundle, env, event) },
    { label: 'storm cap lifted (every error sent)', result: await measure(bundle, { ...env, MAX_EVENTS_PER_FINGERPRINT: '1000000' }, event) },
  ];
  await sentry.close();
  await sqs.close();

  const initOverBare = init.withBundleMs - init.bareMs;
  const ok = (pass: boolean) => (pass ? 'ok' : 'OVER TARGET');
  console.log(`Sentry forwarder benchmark (Node ${process.version}, NODE_OPTIONS="${benchNodeOptions()}", ${ITERATIONS} iterations, medians)`);
  console.log(`batch: ${events.length} log events, ${(bytes / 1024).toFixed(0)} KiB decompressed, ${(compressed / 1024).toFixed(0)} KiB gzipped`);
  console.log(`bundle: ${(bundle.bytes / 1024).toFixed(1)} KiB (+ ${(mapBytes / 1024).toFixed(0)} KiB source map)  [target <= ${TARGETS.bundleKb} KiB: ${ok(bundle.bytes <= TARGETS.bundleKb * 1024)}]`);
  console.log(`cold init: ${initOverBare.toFixed(1)} ms over bare node (${init.withBundleMs.toFixed(1)} vs ${init.bareMs.toFixed(1)} ms; in-process require ${runs[0].result.initMs.toFixed(1)} ms)  [target <= ${TARGETS.initMs} ms: ${ok(initOverBare <= TARGETS.initMs)}]`);
  for (const { label, result } of runs) {
    const perThousand = (ms: number) => (ms / events.length) * 1000;
    const ratio = result.cpuMs / result.floorMs;
    console.log(`\n${label}: received ${result.summary.received}, errors ${result.summary.matched}, sent ${result.summary.sent}, suppressed ${result.summary.suppressed}, parked ${result.summary.parked}`);
    console.log(`  events/s: ${Math.round(events.length / (result.wallMs / 1000))} (wall ${result.wallMs.toFixed(1)} ms per batch)`);
    console.log(`  CPU: ${perThousand(result.cpuMs).toFixed(2)} ms per 1,000 events; floor ${perThousand(result.floorMs).toFixed(2)} ms; ratio ${ratio.toFixed(2)}x  [target <= ${TARGETS.cpuRatio}x: ${ok(ratio <= TARGETS.cpuRatio)}]`);
    console.log(`  peak RSS: ${result.maxRssMb.toFixed(0)} MB after ${ITERATIONS + 1} invocations (${result.firstRssMb.toFixed(0)} MB after the first, in a fresh process)  [target <= ${TARGETS.rssMb} MB: ${ok(result.maxRssMb <= TARGETS.rssMb)}]`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
