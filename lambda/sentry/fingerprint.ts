import type { DetectedError, ExceptionInfo, StackFrame } from './detected-error';
import { replaceGuarded, type GuardedPattern } from './guarded-pattern';
import { firstLine } from './stack-traces/lines';

/**
 * How events group into issues. With an exception: its type and the top in-app frame (function and file, not the
 * line, which moves with every release). Without one: the message with what varies between occurrences (numbers,
 * ids, hex, timestamps, quoted values) normalised. The service leads, so two services never share an issue.
 */

/** Sentry trims fingerprint parts; ours stay short enough to read. */
export const MAX_FINGERPRINT_PART_CHARS = 200;

/**
 * One varying part and its placeholder, behind a guard (a character the pattern cannot match without): running a
 * dozen regular expressions over every error message of a storm was most of the fingerprint's cost, and most
 * messages hold no uuid, e-mail address or quote at all.
 */
export interface VaryingPart extends GuardedPattern {
  readonly replacement: string;
}

const DIGIT = /\d/;
const SPACE_TO_COLLAPSE = /\s\s|[^\S ]/;
const TOKEN_CHARS = asciiSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.-');
const HEX_CHARS = asciiSet('0123456789abcdefABCDEF');

export const VARYING: readonly VaryingPart[] = [
  { pattern: /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, replacement: '<ts>', mayMatch: (text) => text.includes('-') && text.includes(':') },
  { pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, replacement: '<uuid>', mayMatch: (text) => text.includes('-') },
  { pattern: /\b(?:0x[0-9a-f]+|(?=[0-9a-f]{0,63}\d)(?=[0-9a-f]{0,63}[a-f])[0-9a-f]{6,64})\b/gi, replacement: '<hex>', mayMatch: (text) => text.includes('0x') || text.includes('0X') || hasRun(text, HEX_CHARS, 6) },
  { pattern: /\[REDACTED:[a-z-]+\]/g, replacement: '<redacted>', mayMatch: (text) => text.includes('[REDACTED:') },
  // The fingerprint is built from the raw line (redaction applies to the event sent, fingerprint included): an
  // address or a key-like token varies per occurrence, so it must not split one issue (or one storm) into many.
  { pattern: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}/g, replacement: '<email>', mayMatch: (text) => text.includes('@') },
  { pattern: /(?=[A-Za-z0-9_+/=.-]{0,511}\d)[A-Za-z0-9_+/=.-]{20,512}/g, replacement: '<token>', mayMatch: (text) => hasRun(text, TOKEN_CHARS, 20) },
  { pattern: /"[^"\n]{0,200}"|'[^'\n]{0,200}'/g, replacement: '<str>', mayMatch: (text) => text.includes('"') || text.includes("'") },
  { pattern: /\d+/g, replacement: '<n>', mayMatch: hasDigit },
  // `\s+` → ' ', written to match only where that changes something: a run, or whitespace other than a space.
  { pattern: /\s{2,}|[^\S ]/g, replacement: ' ', mayMatch: hasSpaceToCollapse },
];

export function normaliseMessage(message: string): string {
  let out = firstLine(message).slice(0, 4 * MAX_FINGERPRINT_PART_CHARS);
  for (const part of VARYING) out = replaceGuarded(part, out, part.replacement);
  return out.trim().slice(0, MAX_FINGERPRINT_PART_CHARS);
}

function hasDigit(text: string): boolean {
  return DIGIT.test(text);
}

/** Whitespace that `\s+` → `' '` would change: two in a row, or one that is not a plain space. */
function hasSpaceToCollapse(text: string): boolean {
  return SPACE_TO_COLLAPSE.test(text);
}

/** Whether `text` holds `min` characters of `chars` in a row, found in one pass. */
function hasRun(text: string, chars: Uint8Array, min: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    run = code < 0x80 && chars[code] === 1 ? run + 1 : 0;
    if (run >= min) return true;
  }
  return false;
}

function asciiSet(chars: string): Uint8Array {
  const set = new Uint8Array(0x80);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

export function topInAppFrame(exception: ExceptionInfo): StackFrame | undefined {
  for (let i = exception.frames.length - 1; i >= 0; i--) if (exception.frames[i].in_app) return exception.frames[i];
  return undefined;
}

export function fingerprintOf(error: DetectedError, service: string): string[] {
  const primary = error.exceptions.at(-1);
  if (primary) {
    const frame = topInAppFrame(primary);
    const type = primary.module ? `${primary.module}.${primary.type}` : primary.type;
    // Array literals, not a mapped literal: an optimised map would hand the readers a holey array (pipeline/packed-map.ts).
    const where = frame ? `${frame.module ?? frame.filename ?? frame.abs_path ?? '?'}:${frame.function ?? '?'}` : normaliseMessage(primary.value);
    return [clip(service), clip(type), clip(where)];
  }
  return [clip(service), clip(normaliseMessage(error.message))];
}

function clip(part: string): string {
  return part.slice(0, MAX_FINGERPRINT_PART_CHARS);
}
