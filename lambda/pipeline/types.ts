import type { Redactor } from './redact';

/**
 * The contract of the shared forwarding pipeline: decode → classify and map (`prepare`) → `finalize` → `redact` →
 * deliver, parking what fails.
 *
 * Both forwarders (Sentry, Langfuse) are a `Destination` plugged into the same pipeline. The pipeline owns decoding
 * the CloudWatch Logs subscription payload, the order of the stages, the retry and dead-letter queues (parking),
 * metrics and the success rule; a destination owns only what is specific to it: which events it wants, how one event
 * becomes its payload, how its payload is redacted, and how a batch of payloads is sent.
 *
 * Redaction is applied to what LEAVES the function (every payload delivered or parked), not to every line read:
 * classification and mapping read the raw line, and a line that is skipped or suppressed is never redacted at all.
 */

/** A writable copy of a readonly shape, for code that builds one field by field before handing it on as readonly. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields of one CloudWatch Logs event, with the envelope fields that every stage needs (what is parked). */
export interface LogEventFields {
  /** CloudWatch's event id: unique per event, stable across re-deliveries. */
  readonly id: string;
  /** Milliseconds since the epoch, as CloudWatch recorded it. */
  readonly timestamp: number;
  readonly message: string;
  /** Present when the subscription filter pattern extracts fields (space-delimited patterns). */
  readonly extractedFields?: Readonly<Record<string, string>>;
  readonly logGroup: string;
  readonly logStream: string;
  /** The AWS account that owns the log group. */
  readonly account: string;
}

/** One log event as the stages read it (built by `logEvent` in `log-event.ts`). */
export interface SourceLogEvent extends LogEventFields {
  /**
   * The message read by the pipeline's safe JSON reader when it is one JSON object (raw, not redacted), parsed on
   * first read and kept while the destination prepares the event: every stage reads this instead of parsing the
   * message again. (A read after preparation parses it again.)
   */
  readonly json?: JsonObject;
}

/** Additive: the JSON values the safe reader produces (bounded depth and size). */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** What the pipeline knows about where it runs; destinations read it to fill tags and metadata. */
export interface ForwarderContext {
  /** e.g. `prod`, from `SENTRY_ENVIRONMENT` / `LANGFUSE_ENVIRONMENT` / `LOGS_ENVIRONMENT`. */
  readonly environment: string;
  readonly region: string;
  readonly release?: string;
}

/** The result of preparing one log event for a destination. */
export type Prepared<P> =
  | { readonly kind: 'payloads'; readonly payloads: readonly P[] }
  | { readonly kind: 'skip'; readonly reason: string }
  /**
   * Additive: the event was taken but not turned into a payload because the batch already holds enough like it
   * (storm suppression decided in `prepare`, before the cost of building the payload). The pipeline counts it as
   * matched and suppressed; the destination accounts for it in what it sends (e.g. a count on the last payload, in
   * `finalize`).
   */
  | { readonly kind: 'suppressed' };

/** What happened to each payload of a delivery attempt. */
export interface DeliveryReport<P> {
  readonly delivered: number;
  /** Payloads that could not be delivered within the remaining time, with why; the pipeline parks them. */
  readonly failed: ReadonlyArray<DeliveryFailure<P>>;
}

/** Additive: one payload that was not delivered. `payload` is the very object that was passed to `deliver`. */
export interface DeliveryFailure<P> {
  readonly payload: P;
  readonly reason: string;
  readonly retryable: boolean;
  /** When the receiver asked us to wait (429, rate limits): the retry queue delays the message by this much. */
  readonly retryAfterMs?: number;
}

/** A point in time (ms since epoch) by which delivery must have finished, derived from Lambda's remaining time. */
export interface Deadline {
  readonly at: number;
  remainingMs(): number;
}

/**
 * A destination's stages. `D` is what `prepare` builds from the raw event (a draft, never sent as it is), `P` the
 * redacted payload that is delivered and parked; they are one type when redaction keeps the shape.
 */
export interface Destination<P, D = P> {
  /** Stable, lower-case: `sentry`, `langfuse`. Used in metric names and retry-queue messages. */
  readonly name: string;
  /** Classify and map one raw event into zero or more drafts. Nothing leaves the function from here. */
  prepare(event: SourceLogEvent, context: ForwarderContext): Prepared<D>;
  /** Additive, optional: called before the first `prepare` of each batch (reset per-batch state). */
  begin?(): void;
  /** Optional batch step over everything prepared in one invocation (e.g. storm suppression). */
  finalize?(drafts: D[]): D[];
  /**
   * Turns a draft into the payload that may leave the function, applying the shared redactor to everything in it
   * that came from a log line (per the destination's own policy). The pipeline calls it for every payload it
   * delivers or parks, after `finalize`, and never sends a draft; it must not throw.
   */
  redact(draft: D, redactor: Redactor): P;
  /** Send payloads; must respect the deadline and never throw for delivery failures. */
  deliver(payloads: readonly P[], deadline: Deadline): Promise<DeliveryReport<P>>;
  /**
   * Additive, optional: the metric name for events the destination took (`ErrorsDetected`, `LlmCallsDetected`).
   * @default 'Matched'
   */
  readonly matchedMetricName?: string;
  /** Additive, optional: a short id of a payload for the forwarder's own logs (never its content). */
  payloadId?(payload: P): string;
}

/*
 * Notes (pipeline side):
 * - Payloads `P` must survive JSON.stringify/JSON.parse unchanged: the retry queue parks them as JSON and the same
 *   function re-delivers them after reading them back (already redacted: they are not redacted again).
 * - Per batch the pipeline calls `begin`, then `prepare` for each event, then `finalize` once (also when nothing was
 *   prepared), then `redact` for each draft, then `deliver`. A failure that is not retryable goes straight to the
 *   dead-letter queue; the rest are parked in the retry queue.
 */
