import { splitStages } from './stages';
import { Token, tokenizeQuery } from './tokenize';

/** What the CLI needs to know about a query to merge the results of its parts. */
export interface QueryShape {
  /** The keys of the last `sort` stage, in order. */
  readonly sort: ReadonlyArray<{ readonly field: string; readonly descending: boolean }>;
  /** The value of the last `limit` stage. */
  readonly limit?: number;
  /** Whether the query aggregates (`stats`): parts then return per-part aggregates. */
  readonly aggregates: boolean;
}

/** Reads a query's stages (comments and strings cannot confuse it: it works on tokens). */
export function queryShape(text: string): QueryShape {
  const stages = splitStages(tokenizeQuery(text).tokens).map((stage) => stage.tokens);
  const command = (stage: readonly Token[]) => stage[0]?.text;
  const lastSort = [...stages].reverse().find((s) => command(s) === 'sort');
  const lastLimit = [...stages].reverse().find((s) => command(s) === 'limit');
  const sort: Array<{ field: string; descending: boolean }> = [];
  if (lastSort) {
    let current: { field: string; descending: boolean } | undefined;
    for (const token of lastSort.slice(1)) {
      if (token.kind === 'comma') {
        if (current) sort.push(current);
        current = undefined;
      } else if (token.kind === 'word' && /^(asc|desc)$/i.test(token.text) && current) {
        current.descending = token.text.toLowerCase() === 'desc';
      } else if (!current && (token.kind === 'word' || token.kind === 'quoted-field')) {
        // The docs name no default direction; every query in the library says asc or desc.
        current = { field: token.text.replace(/^`|`$/g, ''), descending: false };
      }
    }
    if (current) sort.push(current);
  }
  const limitValue = lastLimit?.[1]?.kind === 'number' ? Number(lastLimit[1].text) : undefined;
  return { sort, limit: limitValue, aggregates: stages.some((s) => command(s) === 'stats') };
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Orders two result values the way Logs Insights' ascending sort does: text before numbers, numbers by value, text
 * in natural order (`a2` before `a10`); a missing value sorts last either way.
 */
export function compareResultValues(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const aNumber = NUMBER.test(a);
  const bNumber = NUMBER.test(b);
  if (aNumber && bNumber) return Number(a) - Number(b);
  if (aNumber !== bNumber) return aNumber ? 1 : -1;
  return a.localeCompare(b, 'en', { numeric: true });
}
