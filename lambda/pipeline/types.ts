/**
 * The contract of the shared forwarding pipeline: decode → classify → map → deliver.
 *
 * Both forwarders (Sentry, Langfuse) are a `Destination` plugged into the same pipeline. The pipeline owns decoding
 * the CloudWatch Logs subscription payload, redaction, the retry queue (parking), metrics and the success rule; a
 * destination owns only what is specific to it: which events it wants, how one event becomes its payload, and how a
 * batch of payloads is sent.
 */

/** One CloudWatch Logs event with the envelope fields that every stage needs. */
export interface SourceLogEvent {
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
  | { readonly kind: 'skip'; readonly reason: string };

/** What happened to each payload of a delivery attempt. */
export interface DeliveryReport<P> {
  readonly delivered: number;
  /** Payloads that could not be delivered within the remaining time, with why; the pipeline parks them. */
  readonly failed: ReadonlyArray<{ readonly payload: P; readonly reason: string; readonly retryable: boolean }>;
}

/** A point in time (ms since epoch) by which delivery must have finished, derived from Lambda's remaining time. */
export interface Deadline {
  readonly at: number;
  remainingMs(): number;
}

export interface Destination<P> {
  /** Stable, lower-case: `sentry`, `langfuse`. Used in metric names and retry-queue messages. */
  readonly name: string;
  /** Classify and map one (already redacted where the policy says so) event into zero or more payloads. */
  prepare(event: SourceLogEvent, context: ForwarderContext): Prepared<P>;
  /** Optional batch step over everything prepared in one invocation (e.g. storm suppression). */
  finalize?(payloads: P[]): P[];
  /** Send payloads; must respect the deadline and never throw for delivery failures. */
  deliver(payloads: readonly P[], deadline: Deadline): Promise<DeliveryReport<P>>;
}
