/**
 * Every problem found in the configuration, reported at once: fixing one at a time through repeated synths is the
 * experience this avoids. `bin/app.ts` prints `message` alone, with no stack trace.
 */
export class ConfigError extends Error {
  public readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
