import { readJsonObject } from './safe-json';
import type { JsonObject, LogEventFields, SourceLogEvent } from './types';

/**
 * A CloudWatch log event whose message is parsed as JSON on first read of `json`, and only if a stage asks: a
 * destination that skips a line by its text never pays for the parse. The parsed value is kept until the forwarder has
 * prepared the event (then `forgetParsedJson` lets it go). The parsed value is private and `json`
 * a getter on the prototype, so JSON.stringify and spreading see only the fields. The fields are copied one by one:
 * an event read back from the retry queue is untrusted JSON, and nothing else of it may come along.
 */
class LazyLogEvent implements SourceLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
  readonly extractedFields?: Readonly<Record<string, string>>;
  readonly logGroup: string;
  readonly logStream: string;
  readonly account: string;
  #json: JsonObject | null | undefined;

  constructor(fields: LogEventFields) {
    this.id = fields.id;
    this.timestamp = fields.timestamp;
    this.message = fields.message;
    if (fields.extractedFields) this.extractedFields = fields.extractedFields;
    this.logGroup = fields.logGroup;
    this.logStream = fields.logStream;
    this.account = fields.account;
  }

  get json(): JsonObject | undefined {
    if (this.#json === undefined) this.#json = readJsonObject(this.message) ?? null;
    return this.#json ?? undefined;
  }

  forgetJson(): void {
    this.#json = undefined;
  }
}

export function logEvent(fields: LogEventFields): SourceLogEvent {
  return new LazyLogEvent(fields);
}

/**
 * Lets go of an event's parsed JSON once a stage is done with it; a later read parses the line again. The batch's
 * events stay alive until its delivery ends, and with them every line's parsed object: V8 copies those through the
 * young generation and promotes them, and major collections come sooner. Measured on the Sentry benchmark's batch
 * over 30 invocations: main-thread GC 160 → 119 ms, major collections 15 → 10.
 */
export function forgetParsedJson(event: SourceLogEvent): void {
  if (event instanceof LazyLogEvent) event.forgetJson();
}
