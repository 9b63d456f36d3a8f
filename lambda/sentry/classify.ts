import type { SourceLogEvent } from '../pipeline/types';
import { classifyJson } from './classify-json';
import { classifyText, type ReadEmbeddedJson } from './classify-text';
import type { DetectedError } from './detected-error';

/**
 * Is this log event an error worth a Sentry event, and what does it say? JSON lines (already parsed and redacted by
 * the pipeline) go to the JSON shapes, everything else to the text formats.
 */
export function classify(event: SourceLogEvent, readEmbeddedJson: ReadEmbeddedJson): DetectedError | undefined {
  if (event.json) return classifyJson(event.json);
  return classifyText(event.message, readEmbeddedJson);
}
