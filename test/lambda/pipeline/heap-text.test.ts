import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { utf8HeapText } from '../../../lambda/pipeline/heap-text';
import { lambdaNode } from '../../support/lambda-node';

describe('utf8HeapText', () => {
  test('decodes exactly as Buffer#toString does, whatever the bytes and wherever the pieces end (3,000 runs)', () => {
    // Real text (every UTF-8 length, emoji included) mixed with arbitrary bytes: stray continuation bytes, cut
    // sequences, invalid leads.
    const chunk = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => Buffer.from(text, 'utf8')),
      fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes)),
      fc.constantFrom(...[[0xf0, 0x9f, 0x98, 0x80], [0xe2, 0x82, 0xac], [0xc3, 0xa9], [0x80, 0x80, 0x80, 0x80], [0xf0, 0x90, 0x80]].map((bytes) => Buffer.from(bytes))),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), fc.integer({ min: 1, max: 24 }), (chunks, pieceBytes) => {
        const bytes = Buffer.concat(chunks);
        expect(utf8HeapText(bytes, pieceBytes)).toBe(bytes.toString('utf8'));
      }),
      { numRuns: 3000 },
    );
  });

  test('on the Lambda runtime\'s Node, an ASCII text over 1 MB (a typical batch) stays in the heap, where Buffer#toString leaves it outside', () => {
    // Node 24 decodes large ASCII UTF-8 into an external string (Node 20, which runs these tests, does not): the
    // check runs on the Lambda runtime's major, fetched once like the benchmarks'.
    const node = lambdaNode();
    if (node.warning) throw new Error(node.warning);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-text-'));
    const module = path.join(dir, 'heap-text.js');
    buildSync({ entryPoints: [path.join(__dirname, '../../../lambda/pipeline/heap-text.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: module, logLevel: 'silent' });
    const check = `
      const { utf8HeapText } = require(${JSON.stringify(module)});
      const bytes = Buffer.from('{"id":"37719999372640478163573591346497413537837468512318914560","message":"ERROR payment declined"}\\n'.repeat(12000));
      const kept = [];
      const growth = (decode) => { const before = process.memoryUsage().external; for (let i = 0; i < 3; i++) kept.push(decode()); return process.memoryUsage().external - before; };
      const toString = growth(() => bytes.toString('utf8'));
      const heapText = growth(() => utf8HeapText(bytes));
      console.log(JSON.stringify({ bytes: bytes.length, toString, heapText, same: kept.every((text) => text === kept[0]) }));`;
    try {
      const result = JSON.parse(execFileSync(node.execPath, ['-e', check], { encoding: 'utf8' })) as { bytes: number; toString: number; heapText: number; same: boolean };
      expect(result.bytes).toBeGreaterThan(1_100_000);
      expect(result.same).toBe(true);
      // The baseline shows the check can fail: three texts decoded by Node itself sit outside the heap.
      expect(result.toString).toBeGreaterThan(2.5 * result.bytes);
      expect(result.heapText).toBeLessThan(result.bytes / 4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
