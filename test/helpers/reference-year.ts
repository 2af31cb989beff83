import { DEFAULT_TIMEZONE, formatInstant, type ConventionSetup } from '../../domain/convention-setup.js';
import {
  addLocalDays,
  compareDates,
  dateKey,
  parseDateKey,
  shiftDate,
  toLocal,
  type LocalDate,
} from '../../domain/paris-time.js';
import { optionLabel } from '../../domain/poll-rules.js';
import { publicHolidayOn } from '../../domain/public-holidays.js';

/**
 * The reference year of a setup (the demo's 2024: its rétroplanning and its date polls) moved to a
 * future year, so a time-skipping test server — whose clock starts at the real now and only goes
 * forward — can run it. It moves by whole weeks: weekdays hold (« mardi 26 mars » stays a Tuesday,
 * as the poll's wording and the milestones' weekdays need) and so do local hours (09:00 in Paris,
 * whatever the offset on the moved day). The fewest weeks are taken that put every dated thing of
 * that year at least a margin ahead of now, its milestones in one calendar year (the calendar
 * workflow runs a year at a time), and none on a French public holiday (a poll refuses those);
 * the nearest such year keeps the French calendar data in range (school holidays are known to
 * 2027-2028, public holidays are computed).
 */

/** Every day the reference year's milestones and polls name. */
export function referenceDays(setup: ConventionSetup, year: number): LocalDate[] {
  const zone = setup.convention.timezone ?? DEFAULT_TIMEZONE;
  const day = (instant: string) => toLocal(new Date(instant), zone);
  return [
    ...setup.milestones
      .filter((m) => m.year === year)
      .flatMap((m) => [m.startDate, ...(m.endDate ? [m.endDate] : [])].map(parseDateKey)),
    ...referencePolls(setup, year, zone).flatMap((p) => [
      ...(p.deadline ? [day(p.deadline)] : []),
      ...p.options.flatMap((o) => [day(o.startsAt), day(o.endsAt)]),
    ]),
  ];
}

/**
 * The fewest whole weeks that move `days` on or after `notBefore`, their first and last in one year, none on a public
 * holiday.
 */
export function referenceShiftWeeks(days: readonly LocalDate[], notBefore: LocalDate): number {
  const sorted = [...days].sort(compareDates);
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) throw new Error('no reference days to move');
  let weeks = Math.max(
    0,
    Math.ceil(
      (Date.UTC(notBefore.year, notBefore.month - 1, notBefore.day) -
        Date.UTC(first.year, first.month - 1, first.day)) /
        (7 * 86_400_000),
    ),
  );
  for (const limit = weeks + 520; weeks <= limit; weeks += 1) {
    const moved = sorted.map((d) => shiftDate(d, 7 * weeks));
    if (moved[0]!.year === moved.at(-1)!.year && moved.every((d) => publicHolidayOn(d) === null)) return weeks;
  }
  throw new Error('no year within ten years fits the reference');
}

/** The setup with its reference year's milestones and polls moved by `weeks`, poll labels written anew. */
export function moveReferenceYear(setup: ConventionSetup, year: number, weeks: number): ConventionSetup {
  const zone = setup.convention.timezone ?? DEFAULT_TIMEZONE;
  const days = 7 * weeks;
  const moveDay = (key: string) => dateKey(shiftDate(parseDateKey(key), days));
  const moveInstant = (instant: string) => formatInstant(addLocalDays(new Date(instant), days, zone), zone);
  const moving = new Set(referencePolls(setup, year, zone).map((p) => p.key));
  return {
    ...setup,
    milestones: setup.milestones.map((m) =>
      m.year !== year
        ? m
        : {
            ...m,
            year: parseDateKey(moveDay(m.startDate)).year,
            startDate: moveDay(m.startDate),
            ...(m.endDate ? { endDate: moveDay(m.endDate) } : {}),
          },
    ),
    polls: setup.polls.map((p) =>
      !moving.has(p.key)
        ? p
        : {
            ...p,
            ...(p.deadline ? { deadline: moveInstant(p.deadline) } : {}),
            options: p.options.map((o) => {
              const startsAt = moveInstant(o.startsAt);
              const endsAt = moveInstant(o.endsAt);
              return { ...o, startsAt, endsAt, label: optionLabel(o.kind, new Date(startsAt), new Date(endsAt), zone) };
            }),
          },
    ),
  };
}

/** The polls whose dates fall in `year`. */
function referencePolls(setup: ConventionSetup, year: number, zone: string): ConventionSetup['polls'] {
  return setup.polls.filter((p) => p.options.every((o) => toLocal(new Date(o.startsAt), zone).year === year));
}
