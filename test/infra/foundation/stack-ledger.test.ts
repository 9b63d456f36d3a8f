import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assignShards, readLedger, writeLedgerIfChanged } from '../../../lib/sharding/stack-ledger';

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('assignShards', () => {
  test('fills the lowest shard with room, in arrival order', () => {
    const { shardOf } = assignShards(names('g', 5), {}, 2);
    expect([...shardOf.values()]).toEqual([0, 0, 1, 1, 2]);
    expect(new Set(shardOf.values()).size).toBe(3);
  });

  test('recorded groups keep their shard, even when the shard is over capacity', () => {
    const { shardOf } = assignShards(['a', 'b', 'c'], { a: 3, b: 3, c: 3 }, 2);
    expect([...shardOf.values()]).toEqual([3, 3, 3]);
  });

  test('a removed group frees its place for a newcomer, and nobody else moves', () => {
    const first = assignShards(names('g', 6), {}, 3);
    const later = assignShards([...names('g', 6).filter((n) => n !== 'g-1'), 'new'], first.entries, 3);
    for (const name of names('g', 6).filter((n) => n !== 'g-1')) {
      expect(later.shardOf.get(name)).toBe(first.shardOf.get(name));
    }
    expect(later.shardOf.get('new')).toBe(0);
    expect(later.entries).not.toHaveProperty('g-1');
  });

  test('refuses a capacity below one (a programmer error)', () => {
    expect(() => assignShards(['a'], {}, 0)).toThrow('shard capacity must be ≥ 1, got 0');
  });
});

describe('the ledger file', () => {
  test('round-trips, and is rewritten only when it changed', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'stack-ledger.json');
    expect(readLedger(file)).toEqual({});
    expect(writeLedgerIfChanged({ prod: { '/aws/ecs/api/errors': 0 } }, file)).toBe(true);
    expect(writeLedgerIfChanged({ prod: { '/aws/ecs/api/errors': 0 } }, file)).toBe(false);
    expect(readLedger(file)).toEqual({ prod: { '/aws/ecs/api/errors': 0 } });
  });

  test('the committed ledger covers every group of the shipped environments', () => {
    const ledger = readLedger();
    const { resolveAllEnvironments } = require('../../../lib/config/resolve');
    for (const env of resolveAllEnvironments({ secrets: {} })) {
      for (const group of env.logGroups) expect(ledger[env.name]).toHaveProperty([group.name]);
    }
  });
});
