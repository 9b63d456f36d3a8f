/**
 * Reads several fields off a JSON log line in one pass over the keys it has. Each field lists its spellings, the
 * preferred first, and how to read a value; per field, the best-ranked spelling whose value the reader accepts
 * wins, as looking the spellings up in order would give. But any one line has few of the listed keys, and looking
 * up an absent key on objects of many shapes (every logger writes its own) is among the slowest property reads V8
 * does: dozens of them per line were a tenth of a forwarder's work. Both forwarders read their lines this way.
 */

/** Reads one spelling's value; `undefined` means "not usable for this field, try the next spelling". */
export type FieldRead = (value: unknown) => unknown;

export type PreferredFields<S extends Readonly<Record<string, FieldRead>>> = { -readonly [F in keyof S]?: Exclude<ReturnType<S[F]>, undefined> };

export function preferredFieldsReader<F extends string, S extends { readonly [K in F]: FieldRead }>(
  spellings: { readonly [K in F]: readonly string[] },
  readers: S,
): (json: Readonly<Record<string, unknown>>) => PreferredFields<S> {
  const fields = Object.keys(spellings) as F[];
  const read = fields.map((field) => readers[field]);
  // For each spelling: the fields it serves (a key may serve several), with its rank in each field's list.
  const servedBy = new Map<string, Array<{ readonly slot: number; readonly rank: number }>>();
  fields.forEach((field, slot) =>
    spellings[field].forEach((key, rank) => {
      const served = servedBy.get(key) ?? [];
      served.push({ slot, rank });
      servedBy.set(key, served);
    }),
  );

  return (json) => {
    const values: unknown[] = [];
    const ranks: number[] = [];
    for (const key in json) {
      const served = servedBy.get(key);
      if (served === undefined) continue;
      for (const { slot, rank } of served) {
        if (ranks[slot] !== undefined && ranks[slot] < rank) continue;
        const value = read[slot](json[key]);
        if (value === undefined) continue;
        values[slot] = value;
        ranks[slot] = rank;
      }
    }
    const found: Record<string, unknown> = {};
    for (let slot = 0; slot < fields.length; slot++) if (values[slot] !== undefined) found[fields[slot]] = values[slot];
    return found as PreferredFields<S>;
  };
}

/** A non-blank string, as it is. */
export function nonBlankString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The same reader for every field of `spellings`. */
export function readEachWith<F extends string, R extends FieldRead>(spellings: { readonly [K in F]: readonly string[] }, read: R): { readonly [K in F]: R } {
  return Object.fromEntries(Object.keys(spellings).map((field) => [field, read])) as { readonly [K in F]: R };
}
