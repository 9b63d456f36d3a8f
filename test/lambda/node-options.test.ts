import { execFileSync } from 'node:child_process';
import { FORWARDER_NODE_OPTIONS, forwarderNodeOptions } from '../../lambda/bundling';

/** Lambda starts the runtime with the function's NODE_OPTIONS: a flag Node refuses there would stop every start. */
describe('the forwarders’ NODE_OPTIONS', () => {
  test('Node accepts them in NODE_OPTIONS and V8 applies them', () => {
    const out = execFileSync(process.execPath, ['-e', 'const v8 = require("node:v8"); process.stdout.write(String(v8.getHeapStatistics().heap_size_limit))'], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: FORWARDER_NODE_OPTIONS },
    }).toString();
    // Old space at half of the default 256 MiB, plus the young generation (3 × the 8 MiB semi-space).
    expect(Number(out) / 1024 / 1024).toBeGreaterThanOrEqual(128);
    expect(Number(out) / 1024 / 1024).toBeLessThanOrEqual(128 + 3 * 8 + 1);
  });

  test('the heap limits follow the function’s memory', () => {
    expect(forwarderNodeOptions(128)).toBe('--enable-source-maps --max-semi-space-size=4 --max-old-space-size=64');
    expect(forwarderNodeOptions(1024)).toBe('--enable-source-maps --max-semi-space-size=16 --max-old-space-size=512');
    expect(forwarderNodeOptions(10240)).toBe('--enable-source-maps --max-semi-space-size=16 --max-old-space-size=5120');
    expect(FORWARDER_NODE_OPTIONS).toBe(forwarderNodeOptions(256));
  });
});
