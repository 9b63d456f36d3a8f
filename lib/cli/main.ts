import { createRedactor } from '../../lambda/pipeline/redact';
import { CommandSpec, ParsedCommand, formatHelp, parseCommand } from './args';
import { createAwsClients } from './aws';
import { CliError, EXIT_CODES, usageError } from './cli-error';
import { AUDIT_COMMAND, runAuditCommand } from './commands/audit';
import { COST_COMMAND, runCostCommand } from './commands/cost';
import { QUERIES_COMMAND, runQueriesCommand } from './commands/queries';
import { QUERY_COMMAND, runQueryCommand } from './commands/query';
import { SECRET_ENCRYPT_COMMAND, runSecretEncryptCommand } from './commands/secret-encrypt';
import { CliDeps, CliIo } from './io';

interface Command {
  readonly spec: CommandSpec;
  readonly run: (parsed: ParsedCommand, io: CliIo, deps: CliDeps) => number | Promise<number>;
}

/** Every command, by what is typed after `logs-cli`. */
const COMMANDS: readonly Command[] = [
  { spec: QUERY_COMMAND, run: runQueryCommand },
  { spec: QUERIES_COMMAND, run: (parsed, io) => runQueriesCommand(parsed, io) },
  { spec: AUDIT_COMMAND, run: runAuditCommand },
  { spec: SECRET_ENCRYPT_COMMAND, run: runSecretEncryptCommand },
  { spec: COST_COMMAND, run: runCostCommand },
];

export const DEFAULT_DEPS: CliDeps = {
  clients: createAwsClients,
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    'logs-cli: the central logging project\'s command line',
    '',
    'Usage: logs-cli <command> [options]   (npm run logs -- <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    'AWS credentials come from the SDK\'s default chain (environment variables, AWS_PROFILE or --profile, SSO,',
    'container and instance roles); the region is the environment\'s unless --region says otherwise.',
    'Run logs-cli <command> --help for a command\'s options and examples.',
    '',
  ].join('\n');
}

/**
 * Error lines repeat what was typed (`unknown environment "…"`, `--name must be one of …, got "…"`), so a secret
 * pasted into the wrong argument would reach the terminal and CI logs; they are masked with the forwarders' rules.
 */
const errorRedactor = createRedactor();

/** Finds the command named by the first one or two words (`query`, `secret encrypt`). */
function findCommand(argv: readonly string[]): { command: Command; rest: readonly string[] } {
  for (const command of COMMANDS) {
    const words = command.spec.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  if (argv[0] === 'secret') throw usageError(`logs-cli secret takes a subcommand: encrypt (see logs-cli secret encrypt --help)`);
  throw usageError(`unknown command "${argv[0]}"; commands: ${COMMANDS.map((c) => c.spec.name).join(', ')} (logs-cli --help)`);
}

/**
 * Runs one command line and returns the exit code. Expected failures (a wrong option, an unknown environment, an
 * AWS refusal) print one line on stderr; anything else is a bug and prints its stack.
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = DEFAULT_DEPS): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      const named = argv[0] === 'help' && argv.length > 1 ? findCommand(argv.slice(1)).command : undefined;
      io.stdout.write(named ? formatHelp(named.spec) : topLevelHelp());
      return argv.length === 0 ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    const { command, rest } = findCommand(argv);
    const parsed = parseCommand(command.spec, rest);
    if (parsed.help) {
      io.stdout.write(formatHelp(command.spec));
      return EXIT_CODES.ok;
    }
    return await command.run(parsed, io, deps);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`logs-cli: ${errorRedactor.text(error.message)}\n`);
      return error.exitCode;
    }
    io.stderr.write(`logs-cli: unexpected error (a bug; please report it):\n${errorRedactor.text((error as Error)?.stack ?? String(error))}\n`);
    return EXIT_CODES.failure;
  }
}
