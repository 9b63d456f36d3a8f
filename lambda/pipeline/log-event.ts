import { readJsonObject } from './safe-json';
import type { JsonObject, SourceLogEvent } from './types';

/** The fields a log event is made of; `json` is derived from `message`, never given. */
export type LogEventFields = Omit<SourceLogEvent, 'json'>;

/**
 * A CloudWatch log event whose message is parsed as JSON at most once, on first read of `json`, and only if a stage
 * asks: a destination that skips a line by its text never pays for the parse. The parsed value lives on the
 * instance (not an own enumerable property), so JSON.stringify and spreading see only the fields.
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

  toJSON(): LogEventFields {
    return { id: this.id, timestamp: this.timestamp, message: this.message, logGroup: this.logGroup, logStream: this.logStream, account: this.account, ...(this.extractedFields ? { extractedFields: this.extractedFields } : {}) };
  }
}

export function logEvent(fields: LogEventFields): SourceLogEvent {
  return new LazyLogEvent(fields);
}
