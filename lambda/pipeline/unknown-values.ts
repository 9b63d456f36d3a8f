/** Reading values whose shape nobody promised: an event, an SQS body, a thrown value. */
import type { JsonObject, JsonValue } from './types';

/** A plain object (not null, not an array); a parsed JSON value narrows to a JSON object. */
export function isRecord(value: JsonValue | undefined): value is JsonObject;
export function isRecord(value: unknown): value is Record<string, unknown>;
export function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, for a message saying it was not what we wanted. */
export function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** A thrown value's message: anything may be thrown, not only an Error. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
