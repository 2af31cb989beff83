import { formatFrench } from '../domain/paris-time.js';
import { CliError } from './cli-error.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Where the CLI writes: stdout for results, stderr for people (errors, progress). */
export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * What a verb prints. With `--json`, stdout holds one JSON document and nothing else (an error too,
 * as `{"error": …, "exitCode": n}`); without it, French text. Errors and progress go to stderr
 * either way, for the person at the terminal.
 */
export class Output {
  private lastProgress = '';

  constructor(
    readonly json: boolean,
    private readonly streams: Streams,
  ) {}

  /** The verb's result: `data` under --json, else the French text `human` makes of it. */
  result<T>(data: T, human: (data: T) => string): void {
    this.streams.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : withNewline(human(data)));
  }

  /** A document printed as it is (iCalendar, CSV, JSON setup), whatever the mode. */
  document(text: string): void {
    this.streams.stdout.write(withNewline(text));
  }

  /** A line for the person on stderr: what is going on, never part of the result. */
  note(text: string): void {
    this.streams.stderr.write(withNewline(text));
  }

  /**
   * Progress of long work on stderr: a bar redrawn in place on a terminal, else a line each time
   * the step changes or another tenth is done, so a log stays short.
   */
  progress(done: number, total: number, step: string): void {
    const ratio = total > 0 ? Math.min(1, done / total) : 1;
    const percent = Math.round(ratio * 100);
    if (this.streams.stderr.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      this.streams.stderr.write(
        `\r${bar} ${String(percent).padStart(3)} % ${done}/${total} ${step}`.padEnd(100).slice(0, 100),
      );
      if (done >= total) this.streams.stderr.write('\n');
      return;
    }
    const key = `${step}|${Math.floor(percent / 10)}`;
    if (key === this.lastProgress && done < total) return;
    this.lastProgress = key;
    this.streams.stderr.write(`${String(percent).padStart(3)} % (${done}/${total}) ${step}\n`);
  }

  /** Reports a failure and gives the exit code. */
  failure(error: unknown): ExitCode {
    const failure =
      error instanceof CliError
        ? error
        : new CliError(
            `erreur inattendue : ${(error as Error)?.message ?? String(error)}`,
            EXIT.unavailable,
            'Réessayez ; si cela se reproduit, signalez-le avec cette sortie.',
          );
    const lines = [`concerto : ${failure.message}`];
    for (const issue of failure.issues) lines.push(`  - ${issue.field} : ${issue.message}`);
    if (failure.hint) lines.push(failure.hint);
    this.streams.stderr.write(`${lines.join('\n')}\n`);
    if (this.json) {
      const error = (failure.body as { error?: unknown } | undefined)?.error ?? {
        message: failure.message,
        ...(failure.issues.length ? { issues: failure.issues } : {}),
      };
      this.streams.stdout.write(`${JSON.stringify({ error, exitCode: failure.exitCode }, null, 2)}\n`);
    }
    return failure.exitCode;
  }
}

/** An instant as people read it here: « mardi 14 septembre 2027 à 14 h 00 » (Europe/Paris). */
export function frenchInstant(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(date.getTime()) ? String(iso) : formatFrench(date, undefined, { withTime: true });
}

/** A day as people read it here: « mardi 14 septembre 2027 ». */
export function frenchDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatFrench(date);
}

/** Label / value lines, aligned. */
export function fields(rows: ReadonlyArray<readonly [string, unknown]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows
    .map(
      ([label, value]) =>
        `${label.padEnd(width)} : ${value === null || value === undefined || value === '' ? '—' : String(value)}`,
    )
    .join('\n');
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
