import type { SentryLevel, StackFrame } from './detected-error';

/**
 * The subset of Sentry's event payload we send (validated in tests against getsentry/sentry-data-schemas'
 * `relay/event.schema.json`). Plain JSON, so it can be parked in the retry queue and read back unchanged.
 */

/** The classifiers' frames are already in Sentry's frame shape. */
export type SentryFrame = StackFrame;

export interface SentryException {
  readonly type: string;
  readonly value: string;
  readonly module?: string;
  readonly stacktrace?: { readonly frames: readonly SentryFrame[] };
  readonly mechanism: { readonly type: string; readonly handled: boolean };
}

export interface SentryEvent {
  readonly event_id: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  readonly platform: string;
  readonly level: SentryLevel;
  readonly logger?: string;
  readonly environment: string;
  readonly release?: string;
  readonly logentry: { readonly formatted: string };
  readonly exception?: { readonly values: readonly SentryException[] };
  readonly fingerprint: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly user?: { readonly id: string };
  readonly extra: Readonly<Record<string, string | number>>;
  readonly sdk: { readonly name: string; readonly version: string };
}

export const FORWARDER_SDK = { name: 'central-logging.sentry-forwarder', version: '0.1.0' } as const;
