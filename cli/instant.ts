import { fromLocal } from '../domain/paris-time.js';
import { usageError } from './cli-error.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/**
 * An instant typed on the command line: « 2027-09-14 14:00 » (or 2027-09-14T14:00) is that hour in
 * Paris, as people say it; a full ISO instant with its offset is sent as it is.
 */
export function instantArg(value: string, option: string): string {
  const local = LOCAL.exec(value.trim());
  if (!local) {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value.trim())) return value.trim();
    throw usageError(
      `--${option} : « ${value} » n’est pas une date et une heure.`,
      'Écrivez par exemple « 2027-09-14 14:00 » (heure de Paris) ou 2027-09-14T14:00:00+02:00.',
    );
  }
  const [year, month, day, hour, minute] = local.slice(1).map(Number) as [number, number, number, number, number];
  return fromLocal({ year, month, day, hour, minute }).toISOString();
}
