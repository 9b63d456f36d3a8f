import { readJsonObject } from './safe-json';
import type { JsonObject, LogEventFields, SourceLogEvent } from './types';

/**
 * A CloudWatch log event whose message is parsed as JSON on first read of `json`, and only if a stage asks: a
 * destination that skips a line by its text never pays for the parse. The parsed value goes with the event, which the
 * forwarder lets go once it is prepared. The parsed value is private and `json` a getter on the prototype, so
 * JSON.stringify and spreading see only the fields. The fields are copied one by one:
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
}

export function logEvent(fields: LogEventFields): SourceLogEvent {
  return new LazyLogEvent(fields);
}
