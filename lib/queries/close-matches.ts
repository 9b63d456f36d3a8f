/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, j) => j);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = previous[j - 1] + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length];
}

/**
 * The candidates closest to `input`, best first: those within a third of the input's length in edits, plus those
 * that contain it, or every word of it (so `cost` and `llm-cost` find `llm/cost-and-tokens-by-hour`).
 */
export function closeMatches(input: string, candidates: readonly string[], max = 5): string[] {
  const needle = input.toLowerCase();
  const threshold = Math.max(2, Math.ceil(needle.length / 3));
  return candidates
    .map((candidate) => {
      const hay = candidate.toLowerCase();
      const words = needle.split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
      const contains =
        hay.includes(needle) || (needle.includes(hay) && hay.length >= 3) || (words.length > 1 && words.every((w) => hay.includes(w)));
      return { candidate, distance: editDistance(needle, hay), contains };
    })
    .filter((scored) => scored.contains || scored.distance <= threshold)
    .sort((a, b) => Number(b.contains) - Number(a.contains) || a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((scored) => scored.candidate);
}
