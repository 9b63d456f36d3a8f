/**
 * The Langfuse destination plugged into the shared pipeline: `prepare` recognises one raw log event and parses it
 * into the normalised LLM call (or a skip with the reason), `redact` redacts that call under the content policy and
 * maps it to one serialised OTLP span, `deliver` exports spans to Langfuse's OTLP endpoint.
 */
import type { LlmPrice } from '../../lib/config/llm-prices';
import { readJsonObject } from '../pipeline/safe-json';
import type { Deadline, DeliveryReport, Destination, ForwarderContext, JsonObject, Prepared, SourceLogEvent } from '../pipeline/types';
import type { LangfuseActivity } from './activity';
import { withoutContent, type ContentFilter } from './content-policy';
import { MAX_EXPORT_WIRE_BYTES } from './export-chunks';
import { parseLlmCall } from './formats';
import { epochMsToNs, msToNs } from './formats/fields';
import { traceIdFor } from './ids';
import type { LlmCall } from './llm-call';
import { exportSpans, type ExporterOptions } from './otlp-exporter';
import { isLangfusePayload, payloadId, spanBytes, type LangfusePayload } from './payload';
import { redactCall } from './redact-call';
import { mapCallToPayload, type SourceCoordinates } from './span-mapper';

export const LANGFUSE_DESTINATION_NAME = 'langfuse';
export const LLM_CALLS_METRIC = 'LlmCallsDetected';
/**
 * A span over this is re-mapped without its prompt and response: even incompressible, it then fits one export
 * within the wire bound, with room for the resource wrapper.
 */
export const MAX_SPAN_BYTES = MAX_EXPORT_WIRE_BYTES - 16 * 1024;

export interface LangfuseDestinationOptions {
  readonly content: ContentFilter;
  readonly prices: readonly LlmPrice[];
  readonly exporter: ExporterOptions;
  readonly activity: LangfuseActivity;
}

/** What `prepare` hands on: the raw call and where it came from. It becomes a span only once redacted. */
export interface LangfuseDraft {
  readonly call: LlmCall;
  readonly source: SourceCoordinates;
  readonly context: ForwarderContext;
}

export function createLangfuseDestination(options: LangfuseDestinationOptions): Destination<LangfusePayload, LangfuseDraft> {
  const { activity } = options;
  return {
    name: LANGFUSE_DESTINATION_NAME,
    matchedMetricName: LLM_CALLS_METRIC,
    payloadId,

    prepare(event: SourceLogEvent, context: ForwarderContext): Prepared<LangfuseDraft> {
      const line = event.json ?? prefixedJson(event.message);
      // CloudWatch's timestamp is the fallback start; a nonsensical one (a replayed or hand-made event) means now.
      const eventTimeNs = epochMsToNs(event.timestamp) ?? msToNs(Date.now());
      const result = line === undefined ? { kind: 'skip' as const, reason: 'not a JSON log line' } : parseLlmCall(line, { eventTimeNs });
      if (result.kind === 'skip') {
        activity.skipped(result.reason);
        return result;
      }
      activity.recognised(result.call.format);
      const source = { logGroup: event.logGroup, logStream: event.logStream, id: event.id, account: event.account };
      return { kind: 'payloads', payloads: [{ call: result.call, source, context }] };
    },

    redact({ call, source, context }, redactor) {
      // Ids come from the raw call: they are hashes or normalised hex, and redacting first could merge traces.
      const mapping = { prices: options.prices, content: options.content, traceId: traceIdFor(call.traceId, call.requestId, source) };
      const redacted = redactCall(call, options.content.policy, redactor);
      let payload = mapCallToPayload(redacted, source, context, mapping);
      if (spanBytes(payload) > MAX_SPAN_BYTES) {
        // Prompt and response are what make a span this large; without them it fits any export.
        const content = withoutContent(options.content, `span over ${MAX_SPAN_BYTES} bytes`);
        payload = mapCallToPayload(redacted, source, context, { ...mapping, content });
      }
      return payload;
    },

    async deliver(payloads: readonly LangfusePayload[], deadline: Deadline): Promise<DeliveryReport<LangfusePayload>> {
      // Payloads read back from the retry queue are only trusted in their known shape.
      const valid = payloads.filter(isLangfusePayload);
      const malformed = payloads.filter((payload) => !isLangfusePayload(payload));
      const report = await exportSpans(valid, deadline, options.exporter);
      return {
        delivered: report.delivered,
        failed: [...report.failed, ...malformed.map((payload) => ({ payload, reason: 'malformed Langfuse payload', retryable: false }))],
      };
    },
  };
}

/**
 * The JSON object after the prefix Lambda's text log format puts in front of `console.log` output
 * (`<timestamp>\t<request id>\t<LEVEL>\t{…}`); a whole-JSON line is the event's own `json`.
 */
function prefixedJson(message: string): JsonObject | undefined {
  const tab = message.indexOf('\t{');
  return tab >= 0 ? readJsonObject(message.slice(tab + 1)) : undefined;
}
