import type { FieldIssue } from '../domain/errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * A failure the CLI reports to people: a French message, what to do about it, the field errors the
 * API gave, and the exit code. `body` is the API's error body, printed as it is under `--json`.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    readonly issues: readonly FieldIssue[] = [],
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** A mistake in the command line itself. */
export function usageError(message: string, hint = 'Voir `concerto --help`.'): CliError {
  return new CliError(message, EXIT.usage, hint);
}
