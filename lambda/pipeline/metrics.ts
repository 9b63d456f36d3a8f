import { stdoutSink, type LineSink } from './logger';

/**
 * The forwarder's metrics as CloudWatch Embedded Metric Format: one JSON document per invocation on stdout, which
 * CloudWatch turns into metrics without an API call (no PutMetricData latency or permissions).
 */

export const METRICS_NAMESPACE = 'CentralLogging/Forwarders';
/** EMF allows at most 100 metrics per document; we emit a fixed handful. */
export const EMF_MAX_METRICS = 100;

export const METRIC = {
  received: 'Received',
  sent: 'Sent',
  suppressed: 'Suppressed',
  parked: 'Parked',
  deadLettered: 'DeadLettered',
  badPayloads: 'BadPayloads',
  redelivered: 'Redelivered',
} as const;

export interface InvocationMetrics {
  add(name: string, count?: number): void;
  get(name: string): number;
  /** Writes one EMF document with every counter (zeros included, so dashboards see a continuous series). */
  flush(): void;
}

export interface MetricsOptions {
  readonly destination: string;
  readonly environment: string;
  /** Counters always written, even when zero. */
  readonly names: readonly string[];
  readonly sink?: LineSink;
  readonly now?: () => number;
}

export function createInvocationMetrics(options: MetricsOptions): InvocationMetrics {
  return new EmfInvocationMetrics(options);
}

/**
 * A class rather than an object of closures: one is made per invocation, and its methods are called (once per batch)
 * from the pipeline's optimised code (`prepareEach` holds the per-line loop). Methods on one prototype are the same
 * functions every invocation, so that optimised code always meets the call targets it was compiled for; closures
 * would be new functions each time, which is more than V8 promises to handle without a deoptimisation.
 */
class EmfInvocationMetrics implements InvocationMetrics {
  readonly #counts: Map<string, number>;

  constructor(private readonly options: MetricsOptions) {
    this.#counts = new Map(options.names.map((name) => [name, 0]));
  }

  add(name: string, count = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + count);
  }

  get(name: string): number {
    return this.#counts.get(name) ?? 0;
  }

  flush(): void {
    const { options } = this;
    const names = [...this.#counts.keys()].slice(0, EMF_MAX_METRICS);
    const document: Record<string, unknown> = {
      _aws: {
        Timestamp: (options.now ?? Date.now)(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['Destination', 'Environment']],
            Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
          },
        ],
      },
      Destination: options.destination,
      Environment: options.environment,
    };
    for (const name of names) document[name] = this.#counts.get(name);
    (options.sink ?? stdoutSink)(JSON.stringify(document));
  }
}
