/** Exit codes: 0 success, 1 a check or an AWS call failed, 2 the command line was wrong. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * An error meant for the person at the terminal: its message is one line, printed as is, with no stack trace.
 * Anything else that escapes a command is a bug and is printed with its stack.
 */
export class CliError extends Error {
  public readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_CODES.failure) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT_CODES.usage);
