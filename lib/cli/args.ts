import { parseArgs } from 'node:util';
import { usageError } from './cli-error';
import { OutputFormat } from './output';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Shown in help after the option, e.g. `<env>`. */
  readonly valueName?: string;
  readonly description: string;
}

export interface CommandSpec {
  /** As typed: `query`, `secret encrypt`. */
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `logs-cli`. */
  readonly usage: string;
  /** Longer explanation, one paragraph per entry. */
  readonly details?: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Formats `--output` accepts; the first is the default. */
  readonly formats: readonly OutputFormat[];
  /** Whether the command calls AWS (then `--profile` and `--region` apply). */
  readonly aws: boolean;
  readonly examples: readonly string[];
  /** Said after "unknown option" (e.g. why a secret cannot be an argument). @default - nothing */
  readonly rejectedOptionHint?: string;
  /** How many positional arguments it takes, at most. @default 0 */
  readonly maxPositionals?: number;
}

const HELP_OPTION: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', description: 'Show this help.' } };
const AWS_OPTIONS: Record<string, OptionSpec> = {
  profile: { type: 'string', valueName: '<name>', description: 'AWS profile from ~/.aws/config (default: the SDK chain: AWS_PROFILE, env vars, SSO, roles).' },
  region: { type: 'string', valueName: '<region>', description: "AWS region (default: the environment's configured region)." },
};
const outputOption = (formats: readonly OutputFormat[]): Record<string, OptionSpec> => ({
  output: { type: 'string', short: 'o', valueName: `<${formats.join('|')}>`, description: `Output format (default: ${formats[0]}).` },
});

/** Every option a command accepts, its own and the shared ones. */
export function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.aws ? AWS_OPTIONS : {}), ...outputOption(spec.formats), ...HELP_OPTION };
}

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly output: OutputFormat;
  readonly help: boolean;
}

/** Parses a command's arguments; a mistake becomes a one-line usage error that points to `--help`. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const options = allOptions(spec);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = String((error as { code?: string }).code);
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    const option = /'(-{1,2}[^'\s]+)/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
      throw usageError(`unknown option ${option} for logs-cli ${spec.name}${spec.rejectedOptionHint ? `: ${spec.rejectedOptionHint}` : ''} (see logs-cli ${spec.name} --help)`);
    }
    throw usageError(`${(error as Error).message.replace(/\s+/g, ' ').replace(/\.$/, '')} (see logs-cli ${spec.name} --help)`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true;
  const max = spec.maxPositionals ?? 0;
  if (!help && parsed.positionals.length > max) {
    const shown = spec.rejectedOptionHint ? `: ${spec.rejectedOptionHint}` : ` "${parsed.positionals[max]}"`;
    throw usageError(`unexpected argument${shown} (see logs-cli ${spec.name} --help)`);
  }
  const output = (values.output as string | undefined) ?? spec.formats[0];
  if (!spec.formats.includes(output as OutputFormat)) {
    throw usageError(`--output ${output} is not one of ${spec.formats.join(', ')} for logs-cli ${spec.name}`);
  }
  return { values, positionals: parsed.positionals, output: output as OutputFormat, help };
}

/** A required string option, or a usage error naming it. */
export function requireString(parsed: ParsedCommand, name: string, spec: CommandSpec): string {
  const value = parsed.values[name];
  if (typeof value !== 'string' || value === '') throw usageError(`logs-cli ${spec.name} needs --${name} (see --help)`);
  return value;
}

export const optionalString = (parsed: ParsedCommand, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
};

/** A positive number option, or a usage error naming the bad value. */
export function optionalNumber(parsed: ParsedCommand, name: string, check: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = optionalString(parsed, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = check;
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw usageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** `logs-cli <command> --help`. */
export function formatHelp(spec: CommandSpec): string {
  const options = allOptions(spec);
  const flags = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.valueName ? ` ${o.valueName}` : ''}`;
    return { flag, description: `${o.description}${o.multiple ? ' Repeatable.' : ''}` };
  });
  const width = Math.max(...flags.map((f) => f.flag.length));
  return [
    `logs-cli ${spec.name}: ${spec.summary}`,
    '',
    `Usage: logs-cli ${spec.usage}`,
    ...(spec.details ?? []).flatMap((paragraph) => ['', paragraph]),
    '',
    'Options:',
    ...flags.map((f) => `  ${f.flag.padEnd(width)}  ${f.description}`),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

