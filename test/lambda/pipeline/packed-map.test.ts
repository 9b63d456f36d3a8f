import { execFileSync } from 'node:child_process';
import { packedMap } from '../../../lambda/pipeline/packed-map';

describe('packedMap', () => {
  test('maps like Array.prototype.map, in order, without touching the input', () => {
    const frames = [{ function: 'handler' }, { function: 'validate' }, { function: 'parse' }];
    const before = JSON.stringify(frames);
    expect(packedMap(frames, (frame) => `${frame.function}()`)).toEqual(frames.map((frame) => `${frame.function}()`));
    expect(JSON.stringify(frames)).toBe(before);
    expect(packedMap([], (x: number) => x + 1)).toEqual([]);
  });

  test('returns a packed array whether or not V8 has optimised it (the reason it exists)', () => {
    // Run in a child with V8's natives syntax: the same function source, interpreted and then optimised by TurboFan.
    const script = `
      const packedMap = ${packedMap.toString()};
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
