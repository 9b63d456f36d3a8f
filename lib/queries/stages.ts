import { Token } from './tokenize';

/** One pipeline stage of a query: its tokens (the first is the command) and the `|` that opened it. */
export interface Stage {
  /** @default - none: the first stage */
  readonly pipe?: Token;
  readonly tokens: readonly Token[];
}

/**
 * Splits a query's tokens at every `|` into its stages. A `|` inside a string or regex is part of that token, and
 * one inside parentheses is an error the linter reports, so every pipe token separates two stages.
 */
export function splitStages(tokens: readonly Token[]): Stage[] {
  const stages: Array<{ pipe?: Token; tokens: Token[] }> = [{ tokens: [] }];
  for (const token of tokens) {
    if (token.kind === 'pipe') stages.push({ pipe: token, tokens: [] });
    else stages[stages.length - 1].tokens.push(token);
  }
  return stages;
}
