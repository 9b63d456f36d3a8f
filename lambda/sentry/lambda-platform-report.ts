import { LOG_FORMATS, type DetectedError, type LogFormat } from './detected-error';

/**
 * What the Lambda platform reports at the end of a phase, in either log format: JSON's `platform.report`,
 * `platform.initReport` and `platform.restoreReport` records, or the text format's `REPORT`, `INIT_REPORT` and
 * `RESTORE_REPORT` lines (`INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: error\tError Type:
 * Extension.Crash`). Both formats become the same error, so a function's failures group alike whichever it logs.
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

/** The error a failed phase is, or undefined for a phase that went well. */
export function platformFailure(report: PlatformReport, format: LogFormat = LOG_FORMATS.lambdaPlatform): DetectedError | undefined {
  const { phase, status } = report;
  if (!status || !FAILED_STATUSES.has(status)) return undefined;
  const errorType = report.errorType ?? (status === 'timeout' ? 'Sandbox.Timedout' : 'Runtime.Error');
  const duration = report.durationMs !== undefined ? ` after ${report.durationMs} ms` : '';
  const error: DetectedError = {
    level: 'error',
    format,
    platform: 'other',
    message: `Lambda ${phase} ${status === 'timeout' ? 'timed out' : 'failed'}${duration} (${errorType})`,
    exceptions: [{ type: errorType, value: `${phase} ${status}${duration}`, frames: [] }],
    ...(report.timestamp !== undefined ? { timestamp: report.timestamp } : {}),
    ...(report.requestId !== undefined ? { requestId: report.requestId } : {}),
  };
  return error;
}

const TEXT_REPORT_START = /^(REPORT|INIT_REPORT|RESTORE_REPORT) /;
const TEXT_FIELDS = {
  duration: /\bDuration: ([\d.]+) ms/,
  status: /\bStatus: (\w+)/,
  errorType: /\bError Type: (\S+)/,
  requestId: /^REPORT RequestId: (\S+)/,
} as const;
const TEXT_PHASES = { REPORT: 'invocation', INIT_REPORT: 'init', RESTORE_REPORT: 'restore' } as const;

/**
 * The text format's report line (its fields tab-separated, in the order Lambda writes them, read by name here), or
 * undefined for any other line. The first `Duration:` is the phase's own (`REPORT` also has `Billed Duration:`).
 */
export function textPlatformReport(line: string): PlatformReport | undefined {
  const start = TEXT_REPORT_START.exec(line);
  if (!start) return undefined;
  const duration = TEXT_FIELDS.duration.exec(line);
  const errorType = TEXT_FIELDS.errorType.exec(line)?.[1];
  const requestId = TEXT_FIELDS.requestId.exec(line)?.[1];
  return {
    phase: TEXT_PHASES[start[1] as keyof typeof TEXT_PHASES],
    status: TEXT_FIELDS.status.exec(line)?.[1],
    ...(duration ? { durationMs: Number(duration[1]) } : {}),
    ...(errorType !== undefined ? { errorType } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}
