import { firstNonSpace } from './stack-traces/lines';

/**
 * A regular expression behind a cheap test that holds whenever the expression can match: a literal it cannot match
 * without, or the character its match must start with. The classifiers run for every error of a storm, over every
 * line of its stack; most lines fail the cheap test and never reach the regular expression. The guards are checked
 * against their patterns by a property test, so a guard never rejects what the expression alone would accept.
 */
export interface GuardedPattern {
  readonly pattern: RegExp;
  /**
   * Holds whenever `pattern` can match `text`. `first`, when given, is `firstCodeOf(text)`: a line parser works it
   * out once per line and hands it to each pattern it tries.
   */
  readonly mayMatch: (text: string, first?: number) => boolean;
}

export function guarded(pattern: RegExp, mayMatch: GuardedPattern['mayMatch']): GuardedPattern {
  return { pattern, mayMatch };
}

/** The code of the first character `\S` matches, NaN for a blank text. */
export function firstCodeOf(text: string): number {
  return text.charCodeAt(firstNonSpace(text));
}

export function execGuarded({ pattern, mayMatch }: GuardedPattern, text: string, first?: number): RegExpExecArray | null {
  return mayMatch(text, first) ? pattern.exec(text) : null;
}

export function testGuarded({ pattern, mayMatch }: GuardedPattern, text: string, first?: number): boolean {
  return mayMatch(text, first) && pattern.test(text);
}

/** `text.replace(pattern, replacement)`, skipped when the guard rules a match out. */
export function replaceGuarded({ pattern, mayMatch }: GuardedPattern, text: string, replacement: string, first?: number): string {
  return mayMatch(text, first) ? text.replace(pattern, replacement) : text;
}

/** Guard: the text holds `literal`. */
export function containing(literal: string): GuardedPattern['mayMatch'] {
  return (text) => text.includes(literal);
}

/** Guard: the text's first character after any leading whitespace is one of `chars` (at most three). */
export function startingWith(chars: string): GuardedPattern['mayMatch'] {
  if (chars.length < 1 || chars.length > 3) throw new Error(`startingWith takes one to three characters, got '${chars}'`);
  const [a, b = a, c = a] = Array.from(chars, (char) => char.charCodeAt(0));
  return (text, first = firstCodeOf(text)) => first === a || first === b || first === c;
}
