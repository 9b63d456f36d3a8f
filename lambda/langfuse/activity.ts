/**
 * What the Langfuse destination saw in one invocation, beyond the pipeline's own counters: calls recognised per
 * input format, lines skipped (with their reasons) and export requests. The handler writes it out after each
 * invocation as one EMF document and one log line per skip reason, then starts afresh.
 */
import type { Logger } from '../pipeline/logger';
import { createInvocationMetrics } from '../pipeline/metrics';
import type { LineSink } from '../pipeline/logger';
import { LLM_FORMATS, type LlmFormat } from './llm-call';

export const ACTIVITY_METRIC = {
  skippedLines: 'SkippedLines',
  exportRequests: 'ExportRequests',
  exportNetworkErrors: 'ExportNetworkErrors',
  recognisedPrefix: 'Recognised.',
} as const;

/** Skip reasons kept per invocation; a flood of distinct reasons is summarised, not logged line by line. */
export const MAX_SKIP_REASONS_LOGGED = 20;

export class LangfuseActivity {
  #recognised = new Map<LlmFormat, number>();
  #skipped = new Map<string, number>();
  #requests = 0;
  #networkErrors = 0;

  recognised(format: LlmFormat): void {
    this.#recognised.set(format, (this.#recognised.get(format) ?? 0) + 1);
  }

  skipped(reason: string): void {
    this.#skipped.set(reason, (this.#skipped.get(reason) ?? 0) + 1);
  }

  request(status: number | 'network-error'): void {
    this.#requests += 1;
    if (status === 'network-error') this.#networkErrors += 1;
  }

  get requests(): number {
    return this.#requests;
  }

  get skippedCount(): number {
    let total = 0;
    for (const count of this.#skipped.values()) total += count;
    return total;
  }

  recognisedCount(format: LlmFormat): number {
    return this.#recognised.get(format) ?? 0;
  }

  /** Writes the invocation's counts (EMF) and skip reasons (log), then resets. */
  flush(options: { readonly environment: string; readonly logger: Logger; readonly metricsSink?: LineSink; readonly now?: () => number }): void {
    const formatNames = Object.values(LLM_FORMATS).map((format) => ACTIVITY_METRIC.recognisedPrefix + format);
    const metrics = createInvocationMetrics({
      destination: 'langfuse',
      environment: options.environment,
      names: [ACTIVITY_METRIC.skippedLines, ACTIVITY_METRIC.exportRequests, ACTIVITY_METRIC.exportNetworkErrors, ...formatNames],
      sink: options.metricsSink,
      now: options.now,
    });
    for (const [format, count] of this.#recognised) metrics.add(ACTIVITY_METRIC.recognisedPrefix + format, count);
    metrics.add(ACTIVITY_METRIC.skippedLines, this.skippedCount);
    metrics.add(ACTIVITY_METRIC.exportRequests, this.#requests);
    metrics.add(ACTIVITY_METRIC.exportNetworkErrors, this.#networkErrors);
    metrics.flush();
    let logged = 0;
    for (const [reason, count] of this.#skipped) {
      if (logged++ >= MAX_SKIP_REASONS_LOGGED) {
        options.logger.info('lines skipped for other reasons', { distinct_reasons: this.#skipped.size - MAX_SKIP_REASONS_LOGGED });
        break;
      }
      options.logger.info('lines skipped: not an LLM call', { reason, count });
    }
    this.#recognised.clear();
    this.#skipped.clear();
    this.#requests = 0;
    this.#networkErrors = 0;
  }
}
