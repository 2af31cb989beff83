import { readInstant } from '../domain/instant-input.js';
import { usageError } from './cli-error.js';

/**
 * An instant typed on the command line: « 2027-09-14 14:00 » (or 2027-09-14T14:00) is that hour in
 * Paris, as people say it; a full ISO instant with its offset is read as it is. A day the calendar
 * lacks, or an hour the clocks skip or show twice, is a usage error (exit 2) saying what exists.
 */
export function instantArg(value: string, option: string): string {
  const reading = readInstant(value, `--${option}`);
  if (!reading.ok) {
    throw usageError(
      reading.message,
      'Écrivez par exemple « 2027-09-14 14:00 » (heure de Paris) ou 2027-09-14T14:00:00+02:00.',
    );
  }
  return reading.instant.toISOString();
}
