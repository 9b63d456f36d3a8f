/**
 * `npm run bench:synth`: synth time, stacks, resources per stack and the largest template, for catalogues of 10,
 * 100 and 1,000 services (× 3 types each), with the cdk-nag packs on, as `cdk synth` runs them. Targets on a
 * 2-core machine: 1,000 services in ≤ 60 s, and time(1,000) / time(100) ≤ 12.
 */
import { performance } from 'perf_hooks';
import { TEST_SECRETS, buildEnvironment, syntheticCatalogue } from '../support/app';

interface Row {
  services: number;
  seconds: number;
  stacks: number;
  maxResources: number;
  meanResources: number;
  largestTemplateKiB: number;
}

function measure(services: number): Row {
  const started = performance.now();
  const { app } = buildEnvironment('prod', {
    config: { services: syntheticCatalogue(services), langfuse: { publicKey: 'pk-lf-bench' } },
    secrets: TEST_SECRETS,
    compliance: true,
  });
  const assembly = app.synth();
  const seconds = (performance.now() - started) / 1000;
  const stacks = assembly.stacks;
  const counts = stacks.map((s) => Object.keys(s.template.Resources ?? {}).length);
  const sizes = stacks.map((s) => Buffer.byteLength(JSON.stringify(s.template)));
  return {
    services,
    seconds,
    stacks: stacks.length,
    maxResources: Math.max(...counts),
    meanResources: Math.round(counts.reduce((a, b) => a + b, 0) / counts.length),
    largestTemplateKiB: Math.round(Math.max(...sizes) / 1024),
  };
}

const rows = [10, 100, 1000].map(measure);
console.log('services  synth s  stacks  resources/stack (max / mean)  largest template');
for (const r of rows) {
  console.log(
    `${String(r.services).padStart(8)}  ${r.seconds.toFixed(1).padStart(7)}  ${String(r.stacks).padStart(6)}  ` +
      `${String(r.maxResources).padStart(14)} / ${String(r.meanResources).padEnd(12)}  ${r.largestTemplateKiB} KiB`,
  );
}
const [, hundred, thousand] = rows;
console.log(
  `time(1000)/time(100) = ${(thousand.seconds / hundred.seconds).toFixed(1)} (target ≤ 12); ` +
    `1,000 services in ${thousand.seconds.toFixed(1)} s (target ≤ 60 s)`,
);
