import type { SourceLogEvent } from '../pipeline/types';
import { classifyJson } from './classify-json';
import { classifyText } from './classify-text';
import type { DetectedError } from './detected-error';

/**
 * Is this log event an error worth a Sentry event, and what does it say? JSON lines (parsed once, by the event
 * itself) go to the JSON shapes, everything else to the text formats. Reads the raw line: what is redacted is the
 * Sentry event built from it, if one is sent at all.
 */
export function classify(event: SourceLogEvent): DetectedError | undefined {
  if (event.json) return classifyJson(event.json);
  return classifyText(event.message);
}
