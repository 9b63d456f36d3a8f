import * as fs from 'fs';
import * as path from 'path';

/**
 * Which stack each log group lives in, remembered across synths.
 *
 * A group that moves from one stack to another is deleted by the first and created by the second: its logs are
 * lost, or, with RETAIN, the create fails on "already exists". So a group's shard is decided once and recorded
 * here; later synths keep it whatever is added or removed around it. New groups fill the lowest shard with room
 * (groups of the same service stay together when they arrive together). The ledger is a committed file, like
 * `cdk.context.json`: commit it with the catalogue change that altered it.
 */
export type Ledger = Readonly<Record<string, Readonly<Record<string, number>>>>;

export const LEDGER_FILE = path.join(__dirname, '..', '..', 'stack-ledger.json');

export interface ShardAssignment {
  /** Group name → shard index. */
  readonly shardOf: ReadonlyMap<string, number>;
  /** The ledger entries for this environment after the assignment (groups no longer present are dropped). */
  readonly entries: Readonly<Record<string, number>>;
}

/**
 * Assigns groups to shards of at most `capacity` groups. Recorded groups keep their shard even when that shard is
 * now over capacity (the capacity only steers new arrivals; moving would lose logs).
 */
export function assignShards(
  groupNames: readonly string[],
  recorded: Readonly<Record<string, number>>,
  capacity: number,
): ShardAssignment {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`shard capacity must be ≥ 1, got ${capacity}`);
  const shardOf = new Map<string, number>();
  const load: number[] = [];
  const arrivals: string[] = [];
  for (const name of groupNames) {
    const shard = recorded[name];
    if (shard !== undefined && Number.isInteger(shard) && shard >= 0) {
      shardOf.set(name, shard);
      load[shard] = (load[shard] ?? 0) + 1;
    } else {
      arrivals.push(name);
    }
  }
  let shard = 0;
  for (const name of arrivals) {
    while ((load[shard] ?? 0) >= capacity) shard++;
    shardOf.set(name, shard);
    load[shard] = (load[shard] ?? 0) + 1;
  }
  const entries = Object.fromEntries([...shardOf.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { shardOf, entries };
}

export function readLedger(file: string = LEDGER_FILE): Ledger {
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Ledger;
}

/** Writes the ledger when it changed; returns whether it did. */
export function writeLedgerIfChanged(ledger: Ledger, file: string = LEDGER_FILE): boolean {
  const text = JSON.stringify(ledger, null, 2) + '\n';
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return false;
  fs.writeFileSync(file, text);
  return true;
}
