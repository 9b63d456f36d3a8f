/**
 * Reading a stack text line by line. The parsers run for every error of a storm, so they look at a line's first
 * character before trying a regular expression on it: most lines are ruled out by that one comparison.
 */

/** The lines of a text, as `text.split(/\r?\n/)` gives them; splitting on the character is V8's fast path. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  // The last piece ends the text, not a line break: a `\r` there stays, as in the regular-expression split.
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i];
    if (line.charCodeAt(line.length - 1) === 0x0d) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** A text up to its first line break. */
export function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** The index of the first character that `\S` matches (what `trimStart` keeps), or -1 for a blank line. */
export function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) if (!isSpace(line.charCodeAt(i))) return i;
  return -1;
}

/** Exactly the UTF-16 units `\s` matches: ECMAScript's WhiteSpace and LineTerminator. */
export function isSpace(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
