/**
 * Trace and span ids. Deterministic, so a re-processed event gets the same ids (and a retried export cannot invent
 * a second trace): the trace id is the log's own, normalised to 32 lower-case hex, or derived from the request or
 * event; the span id is derived from log group + stream + CloudWatch event id, which is unique per event.
 */
import { hash } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/;
/** AWS X-Ray: `1-5759e988-bd862e3fe1be46a994272793`, optionally inside `Root=…;Parent=…;Sampled=1` (lower-cased). */
const XRAY = /(?:^|root=)1-([0-9a-f]{8})-([0-9a-f]{24})(?:;|$)/;
/** W3C traceparent: `00-<trace id>-<parent id>-<flags>`. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ALL_ZERO = /^0+$/;

/** The 32-hex form of a trace id written as hex, 0x-hex, UUID, X-Ray or traceparent; undefined for anything else. */
export function normaliseTraceId(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  // The readings in order of precedence; each is tried only if the ones before it gave no id.
  return (
    validTraceId(value.startsWith('0x') ? value.slice(2) : value) ??
    validTraceId(value.replace(/-/g, '')) ??
    validTraceId(TRACEPARENT.exec(value)?.[1]) ??
    validTraceId(xrayTraceId(value))
  );
}

function xrayTraceId(value: string): string | undefined {
  const match = XRAY.exec(value);
  return match ? match[1]! + match[2]! : undefined;
}

function validTraceId(candidate: string | undefined): string | undefined {
  return candidate !== undefined && HEX32.test(candidate) && !ALL_ZERO.test(candidate) ? candidate : undefined;
}

/** A valid id of `length` hex characters derived from `seed` (never all zeros, which OTLP treats as invalid). */
function derivedId(seed: string, length: 32 | 16): string {
  const id = hash('sha256', seed, 'hex').slice(0, length);
  return ALL_ZERO.test(id) ? `${id.slice(0, -1)}1` : id;
}

export interface EventCoordinates {
  readonly logGroup: string;
  readonly logStream: string;
  readonly id: string;
}

/**
 * One trace per request: the log's trace id when it has one (non-hex ids are hashed, so equal strings still share
 * a trace), else the request id, else the event itself.
 */
export function traceIdFor(logTraceId: string | undefined, requestId: string | undefined, event: EventCoordinates): string {
  if (logTraceId !== undefined) return normaliseTraceId(logTraceId) ?? derivedId(`trace:${logTraceId}`, 32);
  if (requestId !== undefined) return derivedId(`request:${requestId}`, 32);
  return derivedId(`event:${event.logGroup}\n${event.logStream}\n${event.id}`, 32);
}

export function spanIdFor(event: EventCoordinates): string {
  return derivedId(`span:${event.logGroup}\n${event.logStream}\n${event.id}`, 16);
}
