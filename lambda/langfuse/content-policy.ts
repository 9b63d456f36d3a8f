/**
 * What of a prompt and response may reach Langfuse, per environment (`LANGFUSE_CONTENT_POLICY`):
 * - `redacted` (the default): prompt and response after the shared redaction rules;
 * - `full`: prompt and response as logged (every other attribute is still redacted);
 * - `hash`: only the SHA-256 of the prompt and of the response as logged (the audit-log practice for GDPR: proves
 *   what was sent without keeping it);
 * - `none`: no content at all; metadata, usage and cost only.
 * The redaction itself happens on the call before it is mapped (`redact-call.ts`), in the pipeline's redact stage;
 * this filter only serialises, hashes and caps what that stage lets through.
 */
import { hash } from 'node:crypto';

export const CONTENT_POLICIES = ['full', 'redacted', 'hash', 'none'] as const;
export type ContentPolicy = (typeof CONTENT_POLICIES)[number];
export const DEFAULT_CONTENT_POLICY: ContentPolicy = 'redacted';

/**
 * Reads the policy. An unknown value is a misconfiguration that must not widen what leaves AWS, so it falls back to
 * the most private policy, `none`, and says so once.
 */
export function parseContentPolicy(raw: string | undefined, onProblem: (message: string) => void): ContentPolicy {
  if (raw === undefined || raw.trim() === '') return DEFAULT_CONTENT_POLICY;
  const value = raw.trim().toLowerCase();
  if ((CONTENT_POLICIES as readonly string[]).includes(value)) return value as ContentPolicy;
  onProblem(`LANGFUSE_CONTENT_POLICY must be one of ${CONTENT_POLICIES.join(', ')}, got "${raw}"; sending no content (none)`);
  return 'none';
}

/**
 * Largest prompt or response kept, in characters of its JSON form. Two of them plus the span's other attributes stay
 * well inside one export chunk (MAX_EXPORT_BYTES), so a single span can always be sent.
 */
export const MAX_CONTENT_CHARS = 200_000;
export const TRUNCATION_MARKER = '…[truncated by central-logging]';

export interface ContentFilter {
  readonly policy: ContentPolicy;
  /** The attribute value for a prompt or response, or undefined when the policy sends none. */
  content(value: unknown): string | undefined;
}

export function contentFilter(policy: ContentPolicy): ContentFilter {
  return {
    policy,
    content(value) {
      if (value === undefined || value === null || policy === 'none') return undefined;
      const serialised = serialise(value);
      if (serialised === undefined) return undefined;
      if (policy === 'hash') return `sha256:${hash('sha256', serialised, 'hex')}`;
      return truncate(serialised);
    },
  };
}

/** The same filter, but every prompt and response is replaced by a note saying why (a span too large to send). */
export function withoutContent(filter: ContentFilter, why: string): ContentFilter {
  return {
    policy: filter.policy,
    content: (value) => (value === undefined || value === null || filter.policy === 'none' ? undefined : `[content dropped: ${why}]`),
  };
}

/** Strings as they are, everything else as JSON (what Langfuse renders for `…input` / `…output`). */
function serialise(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function truncate(value: string): string {
  return value.length <= MAX_CONTENT_CHARS ? value : value.slice(0, MAX_CONTENT_CHARS) + TRUNCATION_MARKER;
}
