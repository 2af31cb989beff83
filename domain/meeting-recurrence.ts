import { z } from 'zod';
import { nextOpenDay } from './calendar-checks.js';
import { DomainError } from './errors.js';
import type { Actor } from './lifecycle/model.js';
import { dateKey, shiftDate, weekdayOf, type LocalDate } from './paris-time.js';
import type { Zone } from './school-holidays.js';
import { parseInput, shareable, slug, text } from './validation.js';

/**
 * Rules of an instance's recurring meetings, e.g. « the COTECH every quarter, the first Tuesday at
 * 14:00 », and the meetings they give in a year: a day that falls on a public holiday moves to
 * the next open day; school holidays are only warned about. Pure, so the annual calendar
 * workflow may use it.
 */

export const WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Which months a rule meets in: each month, every quarter (from `firstMonth`), or listed months. */
export type Frequency =
  { every: 'month' } | { every: 'quarter'; firstMonth: number } | { every: 'months'; months: number[] };

export interface MeetingRule {
  /** The instance's slug, e.g. `cotech`. */
  instance: string;
  frequency: Frequency;
  weekday: Weekday;
  /** 1 to 4 for the first to the fourth, -1 for the last of the month. */
  nth: 1 | 2 | 3 | 4 | -1;
  /** Local time, `HH:MM`. */
  time: string;
  durationMinutes: number;
  /** Months without a meeting (e.g. 8: no COTECH in August). */
  skipMonths?: number[];
}

export interface GeneratedMeeting {
  instance: string;
  /** The day the rule gives, and the day it is held on (later when that one is a holiday). */
  ruleDay: LocalDate;
  day: LocalDate;
  hour: number;
  minute: number;
  durationMinutes: number;
  /** Why the day moved, and the school holidays it falls in: French, for people. */
  notes: string[];
  /** Stable across re-generations of the same year and rule: the calendar starts each one once. */
  key: string;
}

const month = z.int().min(1).max(12);
export const ruleSchema = shareable(
  z.strictObject({
    instance: slug(),
    frequency: z.union([
      z.strictObject({ every: z.literal('month') }),
      z.strictObject({ every: z.literal('quarter'), firstMonth: month.max(3) }),
      z.strictObject({ every: z.literal('months'), months: z.array(month).min(1).max(12) }),
    ]),
    weekday: z.enum(WEEKDAYS, { error: `Le jour doit être l’un de : ${WEEKDAYS.join(', ')}.` }),
    nth: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)], {
      error: '« nth » vaut 1, 2, 3, 4 (le premier… le quatrième) ou -1 (le dernier).',
    }),
    time: text(5).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'L’heure s’écrit HH:MM, par exemple 14:00.' }),
    durationMinutes: z.int().min(15).max(600),
    skipMonths: z.array(month).optional(),
  }),
);

/** A rule as an instance of a convention setup holds it: its instance is the one it sits in. */
export const instanceMeetingRuleSchema = shareable(ruleSchema().omit({ instance: true }));
export type InstanceMeetingRule = Omit<MeetingRule, 'instance'>;

/** A rule as its instance holds it (in a setup, in the database). */
export function withoutInstance({
  frequency,
  weekday,
  nth,
  time,
  durationMinutes,
  skipMonths,
}: MeetingRule): InstanceMeetingRule {
  return { frequency, weekday, nth, time, durationMinutes, ...(skipMonths ? { skipMonths } : {}) };
}

export function parseMeetingRule(input: unknown): MeetingRule {
  return parseInput(ruleSchema(), input, { what: 'la règle de réunion' }) as MeetingRule;
}

/**
 * The rules of a convention's calendar, each naming one of its instances, at most one rule an
 * instance (a rule lists its months: « months » covers an instance meeting in chosen months).
 */
export function parseMeetingRules(input: unknown, instanceSlugs: readonly string[]): MeetingRule[] {
  if (!Array.isArray(input))
    throw new DomainError('INVALID_INPUT', '« rules » doit être une liste de règles de réunion.', 'rules');
  const rules = input.map(parseMeetingRule);
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!instanceSlugs.includes(rule.instance))
      throw new DomainError('INVALID_INPUT', `Aucune instance « ${rule.instance} » dans cette convention.`, 'rules');
    if (seen.has(rule.instance)) {
      throw new DomainError(
        'INVALID_INPUT',
        `Une seule règle par instance : « ${rule.instance} » en a plusieurs. ` +
          `Listez ses mois dans une seule règle (« every »: « months »).`,
        'rules',
      );
    }
    seen.add(rule.instance);
  }
  return rules;
}

function monthsOf(frequency: Frequency): number[] {
  if (frequency.every === 'month') return Array.from({ length: 12 }, (_, i) => i + 1);
  if (frequency.every === 'quarter') return [0, 3, 6, 9].map((offset) => frequency.firstMonth + offset);
  return [...new Set(frequency.months)].sort((a, b) => a - b);
}

/** The `nth` `weekday` of a month (the last one for -1). */
export function nthWeekday(year: number, monthNumber: number, weekday: Weekday, nth: MeetingRule['nth']): LocalDate {
  const iso = WEEKDAYS.indexOf(weekday) + 1;
  if (nth === -1) {
    let day = shiftDate(
      monthNumber === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: monthNumber + 1, day: 1 },
      -1,
    );
    while (weekdayOf(day) !== iso) day = shiftDate(day, -1);
    return day;
  }
  let day: LocalDate = { year, month: monthNumber, day: 1 };
  while (weekdayOf(day) !== iso) day = shiftDate(day, 1);
  return shiftDate(day, 7 * (nth - 1));
}

/** The meetings a rule gives in a calendar year, in order. */
export function meetingsOfYear(rule: MeetingRule, year: number, zone: Zone | null): GeneratedMeeting[] {
  const [hour, minute] = rule.time.split(':').map(Number) as [number, number];
  return monthsOf(rule.frequency)
    .filter((m) => !(rule.skipMonths ?? []).includes(m))
    .map((m) => {
      const ruleDay = nthWeekday(year, m, rule.weekday, rule.nth);
      const open = nextOpenDay(ruleDay, zone);
      const moved = dateKey(open.date) !== dateKey(ruleDay);
      return {
        instance: rule.instance,
        ruleDay,
        day: open.date,
        hour,
        minute,
        durationMinutes: rule.durationMinutes,
        notes: [
          ...(moved ? [`Reportée du ${dateKey(ruleDay)} au ${dateKey(open.date)} : jour férié.`] : []),
          ...open.warnings,
        ],
        key: `${rule.instance}-${dateKey(ruleDay)}`,
      };
    });
}

/** Every rule's meetings in a year, by day. */
export function calendarOfYear(rules: readonly MeetingRule[], year: number, zone: Zone | null): GeneratedMeeting[] {
  return rules
    .flatMap((rule) => meetingsOfYear(rule, year, zone))
    .sort(
      (a, b) => dateKey(a.day).localeCompare(dateKey(b.day)) || a.hour - b.hour || a.instance.localeCompare(b.instance),
    );
}

/** Whether `actor` may plan the convention's calendar (its rules, its milestones): the coopérateurs and the admins. */
export const mayPlanCalendar = (actor: Actor): boolean => actor.appRole === 'cooperateur' || actor.appRole === 'admin';

/** The coopérateurs plan the partnership's year (an admin may correct it). */
export function assertMayPlanCalendar(actor: Actor): void {
  if (!mayPlanCalendar(actor)) {
    throw new DomainError(
      'ROLE_NOT_ALLOWED',
      `Seuls les coopérateurs planifient le calendrier de la convention ; ${actor.email} n’en est pas.`,
      'actor',
    );
  }
}
