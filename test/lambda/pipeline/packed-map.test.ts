import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformSync } from 'esbuild';
import { packedMap } from '../../../lambda/pipeline/packed-map';

/** The module as shipped, compiled on its own: the child runs it, not a copy of the function's text. */
const PACKED_MAP_SOURCE = path.join(__dirname, '../../../lambda/pipeline/packed-map.ts');

describe('packedMap', () => {
  test('maps like Array.prototype.map, in order, without touching the input', () => {
    const frames = [{ function: 'handler' }, { function: 'validate' }, { function: 'parse' }];
    const before = JSON.stringify(frames);
    expect(packedMap(frames, (frame) => `${frame.function}()`)).toEqual(frames.map((frame) => `${frame.function}()`));
    expect(JSON.stringify(frames)).toBe(before);
    expect(packedMap([], (x: number) => x + 1)).toEqual([]);
  });

  test('returns a packed array whether or not V8 has optimised it (the reason it exists)', () => {
    // Run in a child with V8's natives syntax: the module, interpreted and then optimised by TurboFan. (Node 20's V8
    // inlines Array.prototype.map into a holey array as Node 24's does.)
    const { code } = transformSync(fs.readFileSync(PACKED_MAP_SOURCE, 'utf8'), { loader: 'ts', format: 'iife', globalName: 'packedMapModule' });
    const script = `
      ${code}
      const { packedMap } = packedMapModule;
      const frames = [{ f: 'a' }, { f: 'b' }, { f: 'c' }];
      const run = () => packedMap(frames, (frame) => ({ function: frame.f }));
      const interpreted = %HasHoleyElements(run());
      %PrepareFunctionForOptimization(run); %PrepareFunctionForOptimization(packedMap);
      for (let i = 0; i < 50; i++) run(); // enough calls for every function's type feedback
      %OptimizeFunctionOnNextCall(run);
      const optimised = run();
      console.log(JSON.stringify({ interpreted, optimised: %HasHoleyElements(optimised), isOptimised: (%GetOptimizationStatus(run) & 16) !== 0 }));
    `;
    const result = JSON.parse(execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' })) as Record<string, boolean>;
    expect(result).toEqual({ interpreted: false, optimised: false, isOptimised: true });
  });
});
