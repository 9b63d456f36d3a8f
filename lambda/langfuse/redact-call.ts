/**
 * Redaction of one LLM call before it becomes a span that leaves AWS, under the environment's content policy:
 * every field that came from the log line (ids kept as metadata, user, session, tags, metadata, error, model
 * parameters…) goes through the shared redactor, value by value; the prompt and response are redacted under
 * `redacted`, sent as logged under `full`, left raw under `hash` (only their SHA-256 is sent, and it must be the hash
 * of what was logged) and dropped under `none`.
 */
import type { Redactor } from '../pipeline/redact';
import type { JsonValue, Mutable } from '../pipeline/types';
import type { ContentPolicy } from './content-policy';
import type { LlmCall } from './llm-call';

export function redactCall(call: LlmCall, policy: ContentPolicy, redactor: Redactor): LlmCall {
  // Redacting everything is one walk over the call as it is (copy-on-write: the call itself when nothing matched).
  if (policy === 'redacted') return redactor.value(call as unknown as JsonValue) as unknown as LlmCall;
  // Otherwise the content is set aside for the walk; the walk passes bigints (times) and undefined through
  // untouched and redacts every string, unescaped. What it returns is this fresh object or a fresh copy of it: ours
  // to complete.
  const redacted = redactor.value({ ...call, input: undefined, output: undefined } as unknown as JsonValue) as unknown as Mutable<LlmCall>;
  if (policy !== 'none') {
    redacted.input = call.input;
    redacted.output = call.output;
  }
  return redacted;
}
