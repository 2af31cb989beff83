import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error.js';
import type { ExitCode } from './exit-codes.js';
import type { ApiClient } from './http-client.js';
import type { Output } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a verb's `run` gets: its parsed line, the API and the output. */
export interface CommandInput {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
  api: ApiClient;
  out: Output;
}

/** One verb of the CLI (`fiche create`, `calendar`…), with what `--help` says of it. */
export interface Command {
  /** The line `--help` shows, after `concerto `. */
  usage: string;
  /** What it does, in French. */
  summary: string;
  options?: Options;
  /** Options that must be given. */
  required?: readonly string[];
  /** Names of the positional arguments that must be given, in order. */
  positionals?: readonly string[];
  /** Does the verb's work; an exit code other than 0 when the result itself says something failed. */
  run(input: CommandInput): Promise<void | ExitCode>;
}

/**
 * Parses a verb's arguments with node:util parseArgs; a wrong line is a usage error (exit 2) that
 * shows the verb's usage.
 */
export function parseCommandLine(
  name: string,
  command: Command,
  args: string[],
): Pick<CommandInput, 'values' | 'positionals'> {
  const usage = `Usage : concerto ${command.usage}`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${name} : ${frenchParseError(error as Error & { code?: string })}`, usage);
  }
  const missing = (command.required ?? []).filter((option) => parsed.values[option] === undefined);
  if (missing.length) throw usageError(`${name} : il manque ${missing.map((o) => `--${o}`).join(', ')}.`, usage);
  const wanted = command.positionals ?? [];
  if (parsed.positionals.length < wanted.length) {
    throw usageError(
      `${name} : il manque ${wanted
        .slice(parsed.positionals.length)
        .map((p) => `<${p}>`)
        .join(' ')}.`,
      usage,
    );
  }
  return { values: parsed.values as CommandInput['values'], positionals: parsed.positionals };
}

function frenchParseError(error: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `option inconnue ${option ?? ''}`.trim() + '.';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `l’option ${option ?? ''} attend une valeur.`;
    default:
      return error.message;
  }
}

/** A string option's value (the last one given). */
export function text(values: CommandInput['values'], name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.at(-1) as string | undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values, in the order given. */
export function list(values: CommandInput['values'], name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
