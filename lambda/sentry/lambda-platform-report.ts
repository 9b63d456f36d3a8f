import type { Mutable } from '../pipeline/types';
import { LOG_FORMATS, type DetectedError, type LogFormat } from './detected-error';
import { execGuarded, guarded, startingWith } from './guarded-pattern';

/**
 * What the Lambda platform reports at the end of a phase, in either log format: JSON's `platform.report`,
 * `platform.initReport` and `platform.restoreReport` records, or the text format's `REPORT`, `INIT_REPORT` and
 * `RESTORE_REPORT` lines (`INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: error\tError Type:
 * Extension.Crash`). Both formats map alike (only the event's `log.format` tells them apart), so a function's failures
 * group the same whichever format it logs in.
 */
export interface PlatformReport {
  readonly phase: 'init' | 'invocation' | 'restore';
  readonly status: string | undefined;
  readonly errorType?: string;
  readonly durationMs?: number;
  readonly requestId?: string;
  readonly timestamp?: number;
}

/** The statuses that mean the phase failed (anything else, `success` above all, is routine). */
const FAILED_STATUSES: ReadonlySet<string> = new Set(['error', 'failure', 'timeout']);

/** Whether a report's status says its phase failed: a routine report is read no further. */
export function isFailedStatus(status: string | undefined): status is string {
  return status !== undefined && FAILED_STATUSES.has(status);
}

/**
 * The error a failed phase is, or undefined for a phase that went well. The exception's value names the phase and
 * status only: the duration (in the message) varies per occurrence and would split one failure into many issues.
 */
export function platformFailure(report: PlatformReport, format: LogFormat = LOG_FORMATS.lambdaPlatform): DetectedError | undefined {
  const { phase, status } = report;
  if (!isFailedStatus(status)) return undefined;
  const errorType = report.errorType ?? (status === 'timeout' ? 'Sandbox.Timedout' : 'Runtime.Error');
  const duration = report.durationMs !== undefined ? ` after ${report.durationMs} ms` : '';
  const error: Mutable<DetectedError> = {
    level: 'error',
    format,
    platform: 'other',
    message: `Lambda ${phase} ${status === 'timeout' ? 'timed out' : 'failed'}${duration} (${errorType})`,
    exceptions: [{ type: errorType, value: `${phase} ${status}`, frames: [] }],
  };
  if (report.timestamp !== undefined) error.timestamp = report.timestamp;
  if (report.requestId !== undefined) error.requestId = report.requestId;
  return error;
}

/**
 * A report line's start, exactly as Lambda writes it (an application line that merely begins "REPORT" is not one);
 * group 1 is REPORT's request id.
 */
const TEXT_REPORT_START = guarded(/^(?:REPORT RequestId: (\S+)|INIT_REPORT Init Duration: |RESTORE_REPORT Restore Duration: )/, startingWith('RI'));
const TEXT_FIELDS = {
  duration: /\bDuration: ([\d.]+) ms/,
  status: /\tStatus: (\w+)/,
  errorType: /\tError Type: (\S+)/,
} as const;

/**
 * The text format's report line (tab-separated fields in the order Lambda writes them, read here by name), or
 * undefined for any other line; of a routine report only the phase and status are read. The first `Duration:` is the
 * phase's own: REPORT's `Billed Duration:` and a cold start's `Init Duration:` come after it.
 */
export function textPlatformReport(line: string): PlatformReport | undefined {
  const start = execGuarded(TEXT_REPORT_START, line);
  if (!start) return undefined;
  const requestId = start[1];
  const report: Mutable<PlatformReport> = {
    phase: requestId !== undefined ? 'invocation' : line.startsWith('I') ? 'init' : 'restore',
    status: TEXT_FIELDS.status.exec(line)?.[1],
  };
  if (!isFailedStatus(report.status)) return report;
  if (requestId !== undefined) report.requestId = requestId;
  const duration = TEXT_FIELDS.duration.exec(line);
  if (duration) report.durationMs = Number(duration[1]);
  const errorType = TEXT_FIELDS.errorType.exec(line)?.[1];
  if (errorType !== undefined) report.errorType = errorType;
  return report;
}
