import type { DetectedError, ExceptionInfo, StackFrame } from './detected-error';

/**
 * How events group into issues. With an exception: its type and the top in-app frame (function and file, not the
 * line, which moves with every release). Without one: the message with what varies between occurrences (numbers,
 * ids, hex, timestamps, quoted values) normalised. The service leads, so two services never share an issue.
 */

/** Sentry trims fingerprint parts; ours stay short enough to read. */
export const MAX_FINGERPRINT_PART_CHARS = 200;

const VARYING: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?:0x[0-9a-f]+|(?=[0-9a-f]{0,63}\d)(?=[0-9a-f]{0,63}[a-f])[0-9a-f]{6,64})\b/gi, '<hex>'],
  [/\[REDACTED:[a-z-]+\]/g, '<redacted>'],
  // The fingerprint is built from the raw line (redaction applies to the event sent, fingerprint included): an
  // address or a key-like token varies per occurrence, so it must not split one issue (or one storm) into many.
  [/[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}/g, '<email>'],
  [/(?=[A-Za-z0-9_+/=.-]{0,511}\d)[A-Za-z0-9_+/=.-]{20,512}/g, '<token>'],
  [/"[^"\n]{0,200}"|'[^'\n]{0,200}'/g, '<str>'],
  [/\d+/g, '<n>'],
  [/\s+/g, ' '],
];

export function normaliseMessage(message: string): string {
  let out = message.split('\n', 1)[0].slice(0, 4 * MAX_FINGERPRINT_PART_CHARS);
  for (const [pattern, replacement] of VARYING) out = out.replace(pattern, replacement);
  return out.trim().slice(0, MAX_FINGERPRINT_PART_CHARS);
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
    if (frame) return [service, type, `${frame.module ?? frame.filename ?? frame.abs_path ?? '?'}:${frame.function ?? '?'}`].map(clip);
    return [service, type, normaliseMessage(primary.value)].map(clip);
  }
  return [service, normaliseMessage(error.message)].map(clip);
}

function clip(part: string): string {
  return part.slice(0, MAX_FINGERPRINT_PART_CHARS);
}
