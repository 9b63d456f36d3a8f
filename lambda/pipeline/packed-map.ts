/**
 * `items.map(fn)`, always as a packed array. Once TurboFan inlines `Array.prototype.map`, its result is a holey
 * array where the builtin's is packed (V8 in Node 24), and code optimised for the one kind is deoptimised, then
 * compiled again, by the other. Arrays the forwarders build per line and read again in other optimised code (frames,
 * exceptions, fingerprints) go through here, so their kind never changes in the middle of a container's life.
 */
export function packedMap<T, U>(items: readonly T[], fn: (item: T) => U): U[] {
  const out: U[] = [];
  for (let index = 0; index < items.length; index++) out.push(fn(items[index]));
  return out;
}
