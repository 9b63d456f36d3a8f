/**
 * The Langfuse destination plugged into the shared pipeline: `prepare` turns one log event into one OTLP span (or a
 * skip with the reason), `deliver` exports spans to Langfuse's OTLP endpoint.
 */
import type { LlmPrice } from '../../lib/config/llm-prices';
import type { Redactor } from '../pipeline/redact';
import { readJsonObject } from '../pipeline/safe-json';
import type { Deadline, DeliveryReport, Destination, ForwarderContext, JsonObject, Prepared, SourceLogEvent } from '../pipeline/types';
import type { LangfuseActivity } from './activity';
import { withoutContent, type ContentFilter } from './content-policy';
import { MAX_EXPORT_WIRE_BYTES } from './export-chunks';
import { parseLlmCall } from './formats';
import { epochMsToNs, msToNs } from './formats/fields';
import { exportSpans, type ExporterOptions } from './otlp-exporter';
import { isLangfusePayload, payloadId, spanBytes, toPayload, type LangfusePayload } from './payload';
import { mapCallToSpan } from './span-mapper';

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
  /** Structural redaction for JSON found behind a text prefix (the pipeline only parses whole-JSON lines). */
  readonly redactor: Redactor;
}

export function createLangfuseDestination(options: LangfuseDestinationOptions): Destination<LangfusePayload> {
  const { activity } = options;
  return {
    name: LANGFUSE_DESTINATION_NAME,
    matchedMetricName: LLM_CALLS_METRIC,
    payloadId,

    prepare(event: SourceLogEvent, context: ForwarderContext): Prepared<LangfusePayload> {
      const line = event.json ?? jsonOf(event.message, options.redactor);
      // CloudWatch's timestamp is the fallback start; a nonsensical one (a replayed or hand-made event) means now.
      const eventTimeNs = epochMsToNs(event.timestamp) ?? msToNs(Date.now());
      const result = line === undefined ? { kind: 'skip' as const, reason: 'not a JSON log line' } : parseLlmCall(line, { eventTimeNs });
      if (result.kind === 'skip') {
        activity.skipped(result.reason);
        return result;
      }
      activity.recognised(result.call.format);
      const source = { logGroup: event.logGroup, logStream: event.logStream, id: event.id, account: event.account };
      let payload = toPayload(mapCallToSpan(result.call, source, context, { prices: options.prices, content: options.content }));
      if (spanBytes(payload) > MAX_SPAN_BYTES) {
        // Prompt and response are what make a span this large; without them it fits any export.
        const content = withoutContent(options.content, `span over ${MAX_SPAN_BYTES} bytes`);
        payload = toPayload(mapCallToSpan(result.call, source, context, { prices: options.prices, content }));
      }
      return { kind: 'payloads', payloads: [payload] };
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
 * The JSON object in a line: the whole line, or the JSON after the prefix Lambda's text log format puts in front of
 * `console.log` output (`<timestamp>\t<request id>\t<LEVEL>\t{…}`).
 */
function jsonOf(message: string, redactor: Redactor): JsonObject | undefined {
  const whole = readJsonObject(message);
  if (whole !== undefined) return redactor.json(whole);
  const tab = message.indexOf('\t{');
  const prefixed = tab >= 0 ? readJsonObject(message.slice(tab + 1)) : undefined;
  return prefixed === undefined ? undefined : redactor.json(prefixed);
}
