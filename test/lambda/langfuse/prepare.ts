import { LLM_PRICES } from '../../../lib/config/llm-prices';
import { LangfuseActivity } from '../../../lambda/langfuse/activity';
import { contentFilter, type ContentPolicy } from '../../../lambda/langfuse/content-policy';
import { createLangfuseDestination, type LangfuseDraft } from '../../../lambda/langfuse/destination';
import type { ExporterOptions } from '../../../lambda/langfuse/otlp-exporter';
import type { LangfusePayload } from '../../../lambda/langfuse/payload';
import { createRedactor } from '../../../lambda/pipeline/redact';
import { logEvent as sourceEvent } from '../../../lambda/pipeline/log-event';
import type { Destination, SourceLogEvent } from '../../../lambda/pipeline/types';

export const FORWARDER_CONTEXT = { environment: 'prod', region: 'eu-west-1' } as const;

/** A destination for tests that only prepare and redact (its exporter is never called). */
export function preparingDestination(policy: ContentPolicy = 'redacted', activity = new LangfuseActivity()): Destination<LangfusePayload, LangfuseDraft> {
  return createLangfuseDestination({
    content: contentFilter(policy),
    prices: LLM_PRICES,
    activity,
    exporter: undefined as unknown as ExporterOptions,
  });
}

const redactor = createRedactor();

let nextId = 37928309283092830928309283092830928309283092830928309283n;

/** A CloudWatch event as the subscription delivers it (raw, its JSON parsed on first read). */
export function logEvent(message: string, overrides: Partial<SourceLogEvent> = {}): SourceLogEvent {
  nextId += 1n;
  return sourceEvent({
    id: nextId.toString(),
    timestamp: Date.UTC(2026, 10, 21, 9, 59, 0),
    message,
    logGroup: '/aws/ecs/chat/llm',
    logStream: '2026/11/21/[$LATEST]9f0c1d2e',
    account: '111122223333',
    ...overrides,
  });
}

/** The payload that would leave: prepared from the raw line, then redacted, as the pipeline does. */
export function preparedPayload(destination: Destination<LangfusePayload, LangfuseDraft>, message: string, overrides: Partial<SourceLogEvent> = {}): LangfusePayload {
  const result = destination.prepare(logEvent(message, overrides), FORWARDER_CONTEXT);
  if (result.kind !== 'payloads') throw new Error(result.kind === 'skip' ? `skipped: ${result.reason}` : result.kind);
  return destination.redact(result.payloads[0]!, redactor);
}
