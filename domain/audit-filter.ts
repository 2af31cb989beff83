import { z } from 'zod';
import { atLocalTime, DEFAULT_ZONE, isValidDate, shiftDate } from './paris-time.js';
import { parseInput } from './validation.js';

/** Which lines of the audit log: a period, who, what (`fiche` takes every `fiche.…`). */
export interface AuditFilter {
  since?: Date;
  until?: Date;
  actor?: string;
  action?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A bound of the period: a day (`2026-12-01`, from its midnight in Paris) or an ISO instant with
 * its offset; the day after `until` for a day given as the end, so that it is included.
 */
function bound(field: 'since' | 'until') {
  const error =
    `« ${field} » doit être une date (2026-12-01, heure de Paris) ou une date et heure ISO avec fuseau ` +
    '(2026-12-01T08:00:00+01:00).';
  return z
    .string({ error })
    .trim()
    .transform((value, context) => {
      if (value === '') return undefined;
      const day = DAY.exec(value);
      if (day) {
        const local = { year: Number(day[1]), month: Number(day[2]), day: Number(day[3]) };
        if (isValidDate(local)) {
          const start = atLocalTime(local, 0, 0, DEFAULT_ZONE);
          return field === 'since' ? start : atLocalTime(shiftDate(local, 1), 0, 0, DEFAULT_ZONE);
        }
      } else if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) {
        return new Date(value);
      }
      context.addIssue({ code: 'custom', message: error });
      return z.NEVER;
    });
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => value || undefined)
    .optional();

/** The filter as a query string gives it (the API, the CSV export, the page's form): empty fields ignored. */
const auditFilterSchema = z.object({
  since: bound('since').optional(),
  until: bound('until').optional(),
  actor: optionalText(320),
  action: optionalText(64),
});

/** Reads an audit filter from a query; a wrong date is a French 400 naming its field. */
export function parseAuditFilter(query: unknown): AuditFilter {
  const parsed = parseInput(auditFilterSchema, query ?? {}, { what: 'le filtre du journal' });
  return {
    ...(parsed.since ? { since: parsed.since } : {}),
    ...(parsed.until ? { until: parsed.until } : {}),
    ...(parsed.actor ? { actor: parsed.actor } : {}),
    ...(parsed.action ? { action: parsed.action } : {}),
  };
}
