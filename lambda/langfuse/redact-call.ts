/**
 * Redaction of one LLM call before it becomes a span that leaves AWS, under the environment's content policy:
 * every field that came from the log line (ids kept as metadata, user, session, tags, metadata, error, model
 * parameters…) goes through the shared redactor, value by value; the prompt and response are redacted under
 * `redacted`, sent as logged under `full`, left raw under `hash` (only their SHA-256 is sent, and it must be the hash
 * of what was logged) and dropped under `none`.
 */
import type { Redactor } from '../pipeline/redact';
import type { JsonValue } from '../pipeline/types';
import type { ContentPolicy } from './content-policy';
import type { LlmCall } from './llm-call';

export function redactCall(call: LlmCall, policy: ContentPolicy, redactor: Redactor): LlmCall {
  const { input, output, ...fields } = call;
  // The walk passes bigints (times) and undefined through untouched; every string is redacted, unescaped.
  const redacted = redactor.value(fields as unknown as JsonValue) as unknown as Omit<LlmCall, 'input' | 'output'>;
  switch (policy) {
    case 'redacted':
      return { ...redacted, input: redactContent(input, redactor), output: redactContent(output, redactor) };
    case 'none':
      return redacted;
    default:
      return { ...redacted, input, output };
  }
}

function redactContent(value: unknown, redactor: Redactor): unknown {
  return value === undefined ? undefined : redactor.value(value as JsonValue);
}
