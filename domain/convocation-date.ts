import { checkMeetingDate } from './calendar-checks.js';
import { DomainError, type FieldIssue } from './errors.js';
import { earliestMeetingDay } from './meeting-rules.js';
import { formatFrench, toLocal } from './paris-time.js';
import type { Zone } from './school-holidays.js';

/**
 * The date of a meeting convened or moved by hand passes the checks a poll's proposed dates pass
 * ({@link checkMeetingDate}): no weekend, no public holiday, the zone's school holidays warned
 * about; and the instance's legal convocation delay (jours francs) counted from now. A weekend, a
 * holiday or a short delay is refused unless the organiser overrides it with a reason, which the
 * meeting's history keeps; a date already past is refused outright. Shared by the scheduling use
 * case, the meeting workflow's reschedule, and through them the API, the CLI and the pages.
 */

/** The organiser holds the date anyway, and says why. */
export interface ConvocationOverride {
  reason: string;
}

/** A date to convene a meeting on, and what it is checked against. */
export interface ConvocationDate {
  startsAt: Date;
  /** When the convocation or its update goes out: now. */
  convenedAt: Date;
  /** The instance's jours francs (0: none). */
  delayDays: number;
  zone: string;
  /** The territory's school-holiday zone; null when it has none. */
  schoolZone: Zone | null;
}

/** What a date breaks (refused unless overridden) and what to weigh (school holidays), in French. */
export interface ConvocationDateCheck {
  /** `day`: a weekend or a public holiday; `delay`: within the jours francs. */
  breaches: Array<{ rule: 'day' | 'delay'; message: string }>;
  warnings: string[];
}

/** An override as the history records it: who decides is the change's actor. */
export interface OverrideRecord {
  reason: string;
  /** The rules set aside, in French. */
  breaches: string[];
}

const OVERRIDE_HINT =
  'Pour la maintenir malgré tout, confirmez-la en donnant le motif de cette dérogation : ' +
  'il sera consigné dans l’historique de la réunion.';

/** Checks a date without refusing it; a date already past is refused (no override holds a meeting then). */
export function checkConvocationDate(date: ConvocationDate, field = 'startsAt'): ConvocationDateCheck {
  const { startsAt, convenedAt, delayDays, zone } = date;
  if (startsAt <= convenedAt) {
    throw new DomainError(
      'INVALID_INPUT',
      `La réunion doit avoir lieu dans le futur ; « ${formatFrench(startsAt, zone)} » est passé.`,
      field,
    );
  }
  const local = toLocal(startsAt, zone);
  const day = checkMeetingDate({ year: local.year, month: local.month, day: local.day }, date.schoolZone);
  const breaches: ConvocationDateCheck['breaches'] = [];
  if (day.blocked !== undefined)
    breaches.push({
      rule: 'day',
      message: `Le ${formatFrench(startsAt, zone)} tombe un jour sans réunion (${day.blocked}).`,
    });
  const earliest = earliestMeetingDay(convenedAt, delayDays, zone);
  if (delayDays > 0 && startsAt < earliest)
    breaches.push({
      rule: 'delay',
      message:
        `Cette instance se convoque au moins ${delayDays} jours francs à l’avance : convoquée ` +
        `aujourd’hui, elle peut se réunir au plus tôt le ${formatFrench(earliest, zone)}.`,
    });
  return { breaches, warnings: day.warnings };
}

/** What a date accepted comes with, for the organiser and the history. */
export interface ConvocationDateOutcome {
  /** The zone's school holidays and the like: the date stands. */
  warnings: string[];
  /** The rules an override set aside, and why. */
  overridden?: OverrideRecord;
}

/**
 * What a checked date comes with once accepted: its warnings, and with an override the rules it
 * sets aside. Never throws, so a workflow's update handler can record it whatever it is replayed on.
 */
export function convocationDateOutcome(
  check: ConvocationDateCheck,
  override: ConvocationOverride | undefined,
): ConvocationDateOutcome {
  const { breaches, warnings } = check;
  if (breaches.length === 0 || !override) return { warnings };
  return { warnings, overridden: { reason: override.reason, breaches: breaches.map((b) => b.message) } };
}

/**
 * Refuses a date that breaks a rule, unless `override` gives a reason: then returns what it sets
 * aside, for the history. The warnings are returned either way.
 */
export function assertConvocationDate(
  date: ConvocationDate,
  override: ConvocationOverride | undefined,
  field = 'startsAt',
): ConvocationDateOutcome {
  const check = checkConvocationDate(date, field);
  if (check.breaches.length === 0 || override) return convocationDateOutcome(check, override);
  const { breaches } = check;
  const issues: FieldIssue[] = breaches.map((b) => ({ field, message: b.message }));
  throw new DomainError(
    breaches.some((b) => b.rule === 'day') ? 'NON_WORKING_DAY' : 'CONVOCATION_DELAY',
    `${breaches.map((b) => b.message).join(' ')} ${OVERRIDE_HINT}`,
    field,
    issues,
  );
}
