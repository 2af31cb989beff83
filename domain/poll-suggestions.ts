import { checkMeetingDate } from './calendar-checks.js';
import { earliestMeetingDay } from './meeting-rules.js';
import type { InstanceMeetingRule } from './meeting-recurrence.js';
import { WEEKDAYS } from './meeting-recurrence.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal, weekdayOf, type LocalDate } from './paris-time.js';
import { optionLabel, optionTimes, type ProposedOption } from './poll-rules.js';
import type { Zone } from './school-holidays.js';

/**
 * The dates a new poll's form suggests for a meeting of an instance: days that pass every check a
 * proposed date passes (no weekend, no public holiday, the instance's convocation delay counted
 * from the deadline) and follow the instance's calendar rule when it has one (its weekday, time,
 * duration and months off). Days in the zone's school holidays come last, with their warning.
 * Pure, like the rules it applies.
 */

/** A suggested date: the option as the poll takes it, its label, and what to weigh. */
export interface SuggestedDate {
  option: Extract<ProposedOption, { kind: 'creneau' }>;
  label: string;
  warnings: string[];
}

/** The times of a meeting of an instance without a rule, as the convening form proposes them. */
const DEFAULT_SLOT = { start: '14:00', end: '16:00' };
/** How far past the first possible day the suggestions look. */
const HORIZON_DAYS = 120;

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The rule's slot (cut at 23:59 if it would run past midnight), else the default one. */
function slotOf(rule: InstanceMeetingRule | null): { start: string; end: string } {
  if (!rule) return DEFAULT_SLOT;
  const [hour, minute] = rule.time.split(':').map(Number) as [number, number];
  return { start: rule.time, end: hhmm(Math.min(hour * 60 + minute + rule.durationMinutes, 23 * 60 + 59)) };
}

/** A deadline to suggest: a week from now, the next open day at noon. */
export function suggestedDeadline(now: Date, zone: string): Date {
  let day = toLocal(addLocalDays(now, 7, zone), zone) as LocalDate;
  while (checkMeetingDate({ year: day.year, month: day.month, day: day.day }, null).blocked !== undefined)
    day = shiftDate(day, 1);
  return atLocalTime(day, 12, 0, zone);
}

/**
 * Up to `count` dates after the instance's convocation delay from `deadline`, in order; those
 * without warning first picked, so the school holidays are only suggested when little else is left.
 */
export function suggestPollDates(input: {
  deadline: Date;
  delayDays: number;
  zone: string;
  schoolZone: Zone | null;
  rule: InstanceMeetingRule | null;
  count?: number;
}): SuggestedDate[] {
  const { deadline, delayDays, zone, schoolZone, rule } = input;
  const count = input.count ?? 6;
  const slot = slotOf(rule);
  const weekday = rule ? WEEKDAYS.indexOf(rule.weekday) + 1 : null;
  // The day after the deadline at the least: the deadline precedes every date.
  const first = toLocal(earliestMeetingDay(deadline, delayDays, zone), zone) as LocalDate;
  const candidates: SuggestedDate[] = [];
  for (let i = 0; i < HORIZON_DAYS; i += 1) {
    const day = shiftDate({ year: first.year, month: first.month, day: first.day }, i);
    if (weekday !== null && weekdayOf(day) !== weekday) continue;
    if (rule?.skipMonths?.includes(day.month)) continue;
    const check = checkMeetingDate(day, schoolZone);
    if (check.blocked !== undefined) continue;
    const option = { kind: 'creneau' as const, date: dateKey(day), ...slot };
    const { startsAt, endsAt } = optionTimes(option, zone);
    if (startsAt <= deadline) continue;
    candidates.push({ option, label: optionLabel('creneau', startsAt, endsAt, zone), warnings: check.warnings });
  }
  const clear = candidates.filter((c) => c.warnings.length === 0);
  const chosen = new Set([...clear, ...candidates.filter((c) => c.warnings.length > 0)].slice(0, count));
  return candidates.filter((c) => chosen.has(c));
}
