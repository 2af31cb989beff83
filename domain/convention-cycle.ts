import { z } from 'zod';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { atLocalTime, compareDates, formatFrenchDate, parseDateKey, shiftDate, type LocalDate } from './paris-time.js';
import { nonEmptyText, parseInput, shareable, text } from './validation.js';

/**
 * The convention's multi-year cycle as pure rules: when each year's evaluation campaign opens,
 * reminds and closes, when the final one (bilan de la CTG) runs, and who may prolong the
 * convention by amendment, to when.
 */

/** When the campaigns fall (local times in the convention's zone). */
export interface CampaignTiming {
  /** The yearly campaign for year N opens on this day of year N+1, at `hour`. */
  opensOn: { month: number; day: number };
  /** Pilots who have not answered are reminded this many days after the opening. */
  reminderDays: number[];
  /** The campaign closes this many days after its opening; then the COPIL's review. */
  deadlineDays: number;
  /** In the convention's last year, the final campaign opens this many days before its end date. */
  finalLeadDays: number;
  /** Mails go out at this local hour. */
  hour: number;
  /** The coordinators are reminded this many months before the end date to prepare the renewal or an avenant. */
  termReminderMonths: number[];
}

/**
 * 15 January: the year's figures are known (attendance, budgets) and the COPIL usually meets in
 * spring; reminders at J+14 and J+28, closed at J+42 (26 February). The final campaign opens four
 * months before the end (2 September for a 31 December end), so the bilan reaches the COPIL
 * before the convention ends and its renewal is prepared. The coordinators are reminded six months
 * before the end (time for the three bodies to deliberate on a renewal or an avenant) and three.
 */
export const DEFAULT_CAMPAIGN_TIMING: CampaignTiming = {
  opensOn: { month: 1, day: 15 },
  reminderDays: [14, 28],
  deadlineDays: 42,
  finalLeadDays: 120,
  hour: 9,
  termReminderMonths: [6, 3],
};

export const CAMPAIGN_KINDS = ['annuelle', 'finale'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

/** One campaign's dates (ISO instants). */
export interface CampaignPlan {
  /** `annuelle-2026`, `finale-2027`: one campaign per key. */
  key: string;
  kind: CampaignKind;
  /** The year whose évaluation is asked for. */
  year: number;
  opensAt: string;
  reminders: string[];
  deadline: string;
}

/**
 * The campaigns of one calendar year of a convention running from `startDate` to `endDate`
 * (YYYY-MM-DD): in January the yearly campaign for the year before (from the convention's first
 * year on, while the convention still runs at its opening); in the last year, also the final one,
 * for that year, closing by the end date.
 */
export function campaignsOfYear(
  year: number,
  startDate: string,
  endDate: string,
  timing: CampaignTiming,
  zone: string,
): CampaignPlan[] {
  const start = parseDateKey(startDate);
  const end = parseDateKey(endDate);
  const plans: CampaignPlan[] = [];
  const plan = (kind: CampaignKind, evaluated: number, opens: LocalDate, last?: LocalDate): CampaignPlan => {
    const opensAt = atLocalTime(opens, timing.hour, 0, zone);
    let close = shiftDate(opens, timing.deadlineDays);
    if (last && compareDates(close, last) > 0) close = last;
    const deadline = atLocalTime(close, timing.hour, 0, zone);
    return {
      key: `${kind}-${evaluated}`,
      kind,
      year: evaluated,
      opensAt: opensAt.toISOString(),
      reminders: timing.reminderDays
        .map((d) => atLocalTime(shiftDate(opens, d), timing.hour, 0, zone))
        .filter((at) => at < deadline)
        .map((at) => at.toISOString()),
      deadline: deadline.toISOString(),
    };
  };
  const yearly: LocalDate = { year, month: timing.opensOn.month, day: timing.opensOn.day };
  if (year - 1 >= start.year && compareDates(yearly, end) <= 0) plans.push(plan('annuelle', year - 1, yearly));
  if (year === end.year) {
    const lead = shiftDate(end, -timing.finalLeadDays);
    // A convention ending early in the year: its final campaign opens on 1 January, not the year before.
    const opens = lead.year < year ? { year, month: 1, day: 1 } : lead;
    plans.push(plan('finale', year, opens, end));
  }
  return plans;
}

/** One reminder that the convention's term nears: `monthsBefore` its end date, at `at` (ISO). */
export interface TermReminderPlan {
  /** `terme-2027-12-31-6`: one reminder per end date and lead. */
  key: string;
  endDate: string;
  monthsBefore: number;
  at: string;
}

/** The same day `months` months earlier, or the month's last day when it has fewer days (31 → 30 June). */
export function monthsBefore(day: LocalDate, months: number): LocalDate {
  const index = day.year * 12 + (day.month - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(day.day, last) };
}

/**
 * The reminders before the term of a convention ending on `endDate` (YYYY-MM-DD) that fall in
 * calendar `year`, earliest first: the cycle's run of each year sends its own.
 */
export function termRemindersOfYear(
  year: number,
  endDate: string,
  timing: CampaignTiming,
  zone: string,
): TermReminderPlan[] {
  const end = parseDateKey(endDate);
  return [...timing.termReminderMonths]
    .sort((a, b) => b - a)
    .map((months) => ({ months, day: monthsBefore(end, months) }))
    .filter(({ day }) => day.year === year)
    .map(({ months, day }) => ({
      key: `terme-${endDate}-${months}`,
      endDate,
      monthsBefore: months,
      at: atLocalTime(day, timing.hour, 0, zone).toISOString(),
    }));
}

/** The coopérateurs run the convention's cycle (an admin may stand in); `what` says the act, « lance le cycle ». */
export function assertMayManageCycle(actor: Actor, what: string): void {
  if (actor.appRole !== 'cooperateur' && actor.appRole !== 'admin') {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seul un coopérateur (ou un administrateur) ${what} ; ${actor.email} n’en est pas.`,
      'actor.appRole',
    );
  }
}

/**
 * The year a cycle started on `today` (YYYY-MM-DD) runs first: the current one, or the
 * convention's first year when it has not begun; refused once the convention has ended.
 */
export function firstCycleYear(startDate: string, endDate: string, today: string): number {
  const end = parseDateKey(endDate);
  if (compareDates(parseDateKey(today), end) > 0) {
    throw new DomainError(
      'WRONG_STAGE',
      `La convention a pris fin le ${formatFrenchDate(end, { withWeekday: false })} : son cycle ne se lance plus.`,
    );
  }
  return Math.max(parseDateKey(startDate).year, parseDateKey(today).year);
}

/** At most this many years added by one amendment: beyond, it is a new convention, signed as such. */
export const MAX_PROLONGATION_YEARS = 5;
const MAX_MOTIF = 2000;

export interface ProlongationInput {
  /** The new end date, YYYY-MM-DD. */
  newEndDate: string;
  /** Why the convention is prolonged, as the avenant says it. */
  motif: string;
}

export const prolongationSchema = shareable(
  z.object({
    // Not zod's ISO date: it is refused inside Temporal's workflow sandbox, where this runs too.
    newEndDate: text(10).refine(isDateKey, { error: '« newEndDate » s’écrit AAAA-MM-JJ, par exemple 2028-12-31.' }),
    motif: nonEmptyText(MAX_MOTIF, {
      multiline: true,
      required: 'Dites pourquoi la convention est prolongée (« motif ») : l’avenant le mentionne.',
      tooLong: `Le motif dépasse ${MAX_MOTIF} caractères : raccourcissez-le.`,
    }),
  }),
);

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isDateKey(value: string): boolean {
  try {
    parseDateKey(value);
    return true;
  } catch {
    return false;
  }
}

/** Reads a prolongation's fields (the new end date and the motif), with French field errors. */
export function parseProlongation(input: unknown): ProlongationInput {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  return parseInput(
    prolongationSchema(),
    { newEndDate: raw.newEndDate, motif: raw.motif },
    { what: 'l’avenant de prolongation' },
  );
}

/**
 * Refuses a prolongation that the actor may not sign in Concerto (coopérateurs and admins only),
 * that does not move the end later, that comes after the convention ended, or that adds more than
 * {@link MAX_PROLONGATION_YEARS} years. `currentEndDate` and `today` are YYYY-MM-DD.
 */
export function checkProlongation(actor: Actor, input: ProlongationInput, currentEndDate: string, today: string): void {
  assertMayManageCycle(actor, 'enregistre un avenant de prolongation');
  const current = parseDateKey(currentEndDate);
  if (compareDates(parseDateKey(today), current) > 0) {
    throw new DomainError(
      'WRONG_STAGE',
      `La convention a pris fin le ${formatFrenchDate(current, { withWeekday: false })} ` +
        `: elle ne se prolonge plus ; une nouvelle convention se signe.`,
    );
  }
  const next = parseDateKey(input.newEndDate);
  if (compareDates(next, current) <= 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `La nouvelle date de fin (${formatFrenchDate(next, { withWeekday: false })}) doit être ` +
        `postérieure à la fin actuelle, le ${formatFrenchDate(current, { withWeekday: false })}.`,
      'newEndDate',
    );
  }
  if (compareDates(next, { ...current, year: current.year + MAX_PROLONGATION_YEARS }) > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `Un avenant prolonge la convention de ${MAX_PROLONGATION_YEARS} ans au plus (jusqu’au ` +
        `${formatFrenchDate({ ...current, year: current.year + MAX_PROLONGATION_YEARS }, { withWeekday: false })}) : ` +
        `au-delà, signez une nouvelle convention.`,
      'newEndDate',
    );
  }
}
