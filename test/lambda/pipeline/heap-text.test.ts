import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import fc from 'fast-check';
import { utf8HeapText } from '../../../lambda/pipeline/heap-text';
import { LAMBDA_NODE_MAJOR, lambdaNode } from '../../support/lambda-node';

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

  test('on the Lambda runtime\'s Node, a text over 1 MB (a typical batch), ASCII or not, stays in the heap, where Buffer#toString leaves it outside', () => {
    // Node 24 decodes large ASCII UTF-8 into an external string (Node 20, which runs these tests, does not): the
    // check runs on the Lambda runtime's major, fetched once like the benchmarks'.
    const node = lambdaNode();
    if (node.warning) throw new Error(`this check needs the Lambda runtime's Node ${LAMBDA_NODE_MAJOR}, and none could be had: ${node.warning}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-text-'));
    const module = path.join(dir, 'heap-text.js');
    buildSync({ entryPoints: [path.join(__dirname, '../../../lambda/pipeline/heap-text.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: module, logLevel: 'silent' });
    const check = `
      const { utf8HeapText } = require(${JSON.stringify(module)});
      const line = '{"id":"37719999372640478163573591346497413537837468512318914560","message":"ERROR payment declined"}\\n';
      const growth = (bytes, decode) => { const kept = []; const before = process.memoryUsage().external; for (let i = 0; i < 3; i++) kept.push(decode(bytes)); return { bytes: bytes.length, growth: process.memoryUsage().external - before, same: kept.every((text) => text === kept[0]) }; };
      const results = {};
      // ASCII, and a batch with one line in another script, which Node 24 externalises as two-byte text.
      for (const [name, bytes] of [['ascii', Buffer.from(line.repeat(12000))], ['non-ascii', Buffer.from(line.repeat(12000) + 'Zahlung für Bestellung abgelehnt')]]) {
        results[name] = { toString: growth(bytes, (b) => b.toString('utf8')), heapText: growth(bytes, (b) => utf8HeapText(b)), equal: bytes.toString('utf8') === utf8HeapText(bytes) };
      }
      console.log(JSON.stringify(results));`;
    try {
      type Growth = { bytes: number; growth: number; same: boolean };
      const results = JSON.parse(execFileSync(node.execPath, ['-e', check], { encoding: 'utf8' })) as Record<'ascii' | 'non-ascii', { toString: Growth; heapText: Growth; equal: boolean }>;
      for (const { toString, heapText, equal } of Object.values(results)) {
        expect(toString.bytes).toBeGreaterThan(1_100_000);
        expect(equal && toString.same && heapText.same).toBe(true);
        // The baseline shows the check can fail: three texts decoded by Node itself sit outside the heap.
        expect(toString.growth).toBeGreaterThan(2.5 * toString.bytes);
        expect(heapText.growth).toBeLessThan(heapText.bytes / 4);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
