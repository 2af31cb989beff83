/**
 * Wall-clock arithmetic in a named time zone (Europe/Paris by default), for reminders such as
 * « le lendemain de la réunion à 9 h », « 7 jours après » or « chaque année à la date de
 * validation ». Workflows compute these instants inside Temporal's deterministic sandbox, so this
 * module is pure: only `Intl.DateTimeFormat` and arithmetic, no Node built-ins, no Luxon, and it
 * never reads the clock — "now" is always a parameter.
 *
 * Local times that do not map to exactly one instant are resolved the same way everywhere (the
 * "compatible" rule of TC39 Temporal and of RFC 5545):
 * - a time skipped by the spring-forward gap moves forward by the length of the gap: 02:30 on
 *   31 March 2024 in Paris does not exist and becomes 03:30 CEST (01:30Z);
 * - a time that happens twice on the fall-back day takes its first (summer-time) occurrence:
 *   02:30 on 27 October 2024 in Paris is 02:30 CEST (00:30Z), not 02:30 CET (01:30Z).
 */

export const DEFAULT_ZONE = 'Europe/Paris';

/** A wall-clock date and time, without a zone. `month` is 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** A calendar day, without a zone. `month` is 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Options of {@link formatFrench}. */
export interface FormatFrenchOptions {
  /** Appends « à 14 h 00 ». Default false. */
  withTime?: boolean;
  /** Starts with the day of the week, « mardi ». Default true. */
  withWeekday?: boolean;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The months' names, lower-case, January first. */
export const FRENCH_MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** Indexed by ISO weekday: 1 = Monday … 7 = Sunday. */
export const FRENCH_WEEKDAYS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

/** Full ISO 8601 instants only: a string without `Z` or an offset would be read in the process's
 * own zone, which differs between machines. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

// One formatter per zone: building an Intl.DateTimeFormat is costly and these are immutable,
// stateless objects, so caching them changes no result and is safe to replay in the sandbox.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    // Throws a RangeError naming the zone when it is unknown.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Milliseconds since the epoch of a wall-clock time read as if it were UTC. */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  // Not Date.UTC, which reads years 0–99 as 1900–1999. Out-of-range fields carry over.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Offsets by zone and UTC day, for days with no change of offset: a board or a feed formats thousands of instants. */
const dailyOffsets = new Map<string, number>();

/** The zone's offset from UTC at `ms`, in milliseconds (positive east of Greenwich). */
function offsetMsAt(ms: number, zone: string): number {
  const dayStart = ms - mod(ms, DAY_MS);
  const key = `${zone} ${dayStart}`;
  const kept = dailyOffsets.get(key);
  if (kept !== undefined) return kept;
  const offset = exactOffsetMsAt(dayStart, zone);
  // The same offset at both ends of the day: no change within it (zones change at most once a day).
  if (exactOffsetMsAt(dayStart + DAY_MS - 1000, zone) !== offset) return exactOffsetMsAt(ms, zone);
  if (dailyOffsets.size >= 10_000) dailyOffsets.clear();
  dailyOffsets.set(key, offset);
  return offset;
}

function exactOffsetMsAt(ms: number, zone: string): number {
  const seconds = ms - mod(ms, 1000);
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(seconds)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN } = fields;
  // Some ICU versions print midnight as 24 even with h23.
  return wallMs(year, month, day, hour === 24 ? 0 : hour, minute, second) - seconds;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function toMs(instant: Date | string, name: string): number {
  if (typeof instant === 'string') {
    if (!ISO_INSTANT.test(instant)) {
      throw new RangeError(`${name} must be an ISO 8601 instant with Z or an offset, got "${instant}"`);
    }
    instant = new Date(instant);
  }
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid date`);
  return ms;
}

function checkInteger(value: number, name: string, min = -Infinity, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(wallMs(year, month + 1, 1) - DAY_MS).getUTCDate();
}

/** The calendar day `days` days after `day` (negative for before). */
export function shiftDate(day: LocalDate, days: number): LocalDate {
  const date = new Date(wallMs(day.year, day.month, day.day) + days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** True when `day` names a day of the calendar: integer fields, month 1–12, no 30 February. */
export function isValidDate(day: LocalDate): boolean {
  return (
    Number.isInteger(day.year) &&
    Number.isInteger(day.month) &&
    Number.isInteger(day.day) &&
    day.month >= 1 &&
    day.month <= 12 &&
    day.day >= 1 &&
    day.day <= daysInMonth(day.year, day.month)
  );
}

/** The ISO weekday of a calendar day: 1 = Monday … 7 = Sunday. */
export function weekdayOf(day: LocalDate): number {
  const weekday = new Date(wallMs(day.year, day.month, day.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Negative, zero or positive as `a` falls before, on or after `b`. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** A calendar day as `YYYY-MM-DD`. */
export function dateKey(day: LocalDate): string {
  return `${String(day.year).padStart(4, '0')}-${pad2(day.month)}-${pad2(day.day)}`;
}

/** Reads `YYYY-MM-DD`; throws a RangeError for another shape or a day the calendar lacks. */
export function parseDateKey(key: string): LocalDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  const day = match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : undefined;
  if (!day || !isValidDate(day)) throw new RangeError(`expected a date as YYYY-MM-DD, got "${key}"`);
  return day;
}

/** The milliseconds past the local minute, kept by the functions that move a time by days or years. */
function subMinuteMs(ms: number, zone: string): number {
  return mod(ms + offsetMsAt(ms, zone), MINUTE_MS);
}

/**
 * The local date, time, ISO weekday (1 = Monday … 7 = Sunday) and offset from UTC in minutes
 * (60 for CET, 120 for CEST) of `instant` in `zone`. Strings must be full ISO 8601 instants
 * (`2024-03-26T13:00:00Z`, `…+01:00`). Seconds are dropped, not rounded.
 */
export function toLocal(
  instant: Date | string,
  zone: string = DEFAULT_ZONE,
): LocalDateTime & { weekday: number; offsetMinutes: number } {
  const ms = toMs(instant, 'instant');
  const offsetMs = offsetMsAt(ms, zone);
  const wall = new Date(ms + offsetMs);
  const weekday = wall.getUTCDay();
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    weekday: weekday === 0 ? 7 : weekday,
    offsetMinutes: offsetMs / MINUTE_MS,
  };
}

/**
 * The instant at which clocks in `zone` show `local` (seconds 0).
 *
 * - Spring-forward gap: a time that does not exist moves forward by the length of the gap, so
 *   02:30 on 31 March 2024 in Paris gives 03:30 CEST (2024-03-31T01:30:00Z).
 * - Fall-back overlap: a time that happens twice takes its first occurrence, in summer time, so
 *   02:30 on 27 October 2024 in Paris gives 02:30 CEST (2024-10-27T00:30:00Z).
 *
 * Throws a RangeError when a field is out of range (month 13, 30 February, hour 24…).
 */
export function fromLocal(local: LocalDateTime, zone: string = DEFAULT_ZONE): Date {
  checkLocal(local);
  const { wall, before, valid } = readingsOf(local, zone);
  if (valid.length > 0) {
    // Two valid candidates: the overlap; the earlier one is the first occurrence.
    return new Date(Math.min(...valid));
  }
  // None: the gap. Reading the wall time with the offset from before the change lands as far
  // past the change as the wall time is past its start, that is, moved forward by the gap.
  return new Date(wall - before);
}

/** How a local time reads in `zone`: each instant it names (none in a gap, two in an overlap). */
export type LocalReading =
  | { kind: 'one'; instant: Date }
  | { kind: 'gap'; lastBefore: LocalDateTime; firstAfter: LocalDateTime }
  | { kind: 'twice'; instants: [Date, Date]; offsetsMinutes: [number, number] };

/**
 * The instants at which clocks in `zone` show `local`, told apart rather than resolved as
 * {@link fromLocal} does: for a gap, the last minute before it and the first after it, which people
 * can choose instead. Throws a RangeError when a field is out of range.
 */
export function readLocal(local: LocalDateTime, zone: string = DEFAULT_ZONE): LocalReading {
  checkLocal(local);
  const { wall, before, after, valid } = readingsOf(local, zone);
  if (valid.length === 1) return { kind: 'one', instant: new Date(valid[0]!) };
  if (valid.length === 2) {
    const [first, second] = [Math.min(...valid), Math.max(...valid)];
    return {
      kind: 'twice',
      instants: [new Date(first), new Date(second)],
      offsetsMinutes: [(wall - first) / MINUTE_MS, (wall - second) / MINUTE_MS],
    };
  }
  // The change happens at a minute between `wall - after` and `wall - before`: find it.
  let change = wall - after;
  while (change < wall - before && offsetMsAt(change, zone) !== after) change += MINUTE_MS;
  return {
    kind: 'gap',
    lastBefore: toLocal(new Date(change - MINUTE_MS), zone),
    firstAfter: toLocal(new Date(change), zone),
  };
}

function checkLocal(local: LocalDateTime): void {
  checkInteger(local.year, 'year');
  checkInteger(local.month, 'month', 1, 12);
  checkInteger(local.day, 'day', 1, daysInMonth(local.year, local.month));
  checkInteger(local.hour, 'hour', 0, 23);
  checkInteger(local.minute, 'minute', 0, 59);
}

function readingsOf(local: LocalDateTime, zone: string) {
  const wall = wallMs(local.year, local.month, local.day, local.hour, local.minute);
  // The offsets in force a day either side bracket any transition near this wall time (zones
  // change offset at most once in two days). Each offset gives a candidate instant, valid when
  // the zone really has that offset then.
  const before = offsetMsAt(wall - DAY_MS, zone);
  const after = offsetMsAt(wall + DAY_MS, zone);
  const candidates = before === after ? [wall - before] : [wall - before, wall - after];
  const valid = candidates.filter((ms) => ms + offsetMsAt(ms, zone) === wall);
  return { wall, before, after, valid };
}

/** The instant of `hour:minute` on the local `day` in `zone`; gaps and overlaps as {@link fromLocal}. */
export function atLocalTime(day: LocalDate, hour: number, minute = 0, zone: string = DEFAULT_ZONE): Date {
  return fromLocal({ year: day.year, month: day.month, day: day.day, hour, minute }, zone);
}

/**
 * The same wall-clock time `days` calendar days later (earlier when negative): 09:00 stays 09:00
 * across a change of offset, so a day may last 23 or 25 hours. Seconds and milliseconds are kept.
 * A target time in a gap or an overlap is resolved as {@link fromLocal}; `days = 0` returns the
 * instant unchanged.
 */
export function addLocalDays(instant: Date, days: number, zone: string = DEFAULT_ZONE): Date {
  checkInteger(days, 'days');
  const ms = toMs(instant, 'instant');
  if (days === 0) return new Date(ms);
  const local = toLocal(instant, zone);
  const target = atLocalTime(shiftDate(local, days), local.hour, local.minute, zone);
  return new Date(target.getTime() + subMinuteMs(ms, zone));
}

/**
 * The first `hour:minute` local time strictly after `after`: later the same local day, else the
 * next day. Each local day contributes one instant, resolved as {@link fromLocal}, so a daily
 * schedule fires once on the fall-back day, at the first occurrence of an ambiguous time.
 */
export function nextLocalTime(after: Date, hour: number, minute = 0, zone: string = DEFAULT_ZONE): Date {
  const ms = toMs(after, 'after');
  let day: LocalDate = toLocal(after, zone);
  for (;;) {
    const candidate = atLocalTime(day, hour, minute, zone);
    if (candidate.getTime() > ms) return candidate;
    day = shiftDate(day, 1);
  }
}

/** `hour:minute` on the local day after the one `instant` falls on: « le lendemain à 9 h ». */
export function dayAfterAt(instant: Date, hour: number, minute = 0, zone: string = DEFAULT_ZONE): Date {
  return atLocalTime(shiftDate(toLocal(instant, zone), 1), hour, minute, zone);
}

/**
 * The same local date and time `years` years later (earlier when negative). 29 February becomes
 * 28 February in a year that has none. Seconds and milliseconds are kept; a target time in a gap
 * or an overlap is resolved as {@link fromLocal}.
 */
export function anniversary(of: Date, years: number, zone: string = DEFAULT_ZONE): Date {
  checkInteger(years, 'years');
  const ms = toMs(of, 'of');
  const local = toLocal(of, zone);
  const year = local.year + years;
  const day = Math.min(local.day, daysInMonth(year, local.month));
  const target = fromLocal({ year, month: local.month, day, hour: local.hour, minute: local.minute }, zone);
  return new Date(target.getTime() + subMinuteMs(ms, zone));
}

/** The local day of `instant` as `YYYY-MM-DD`, e.g. to key one reminder per day. */
export function localDateKey(instant: Date, zone: string = DEFAULT_ZONE): string {
  return dateKey(toLocal(instant, zone));
}

/**
 * The date as mails show it: « mardi 26 mars 2024 », with `withTime` « vendredi 29 mars 2024 à
 * 09 h 00 », the first of the month as « 1er ». Built from tables rather than `fr-FR` formatting,
 * so the text does not change with the ICU version.
 */
export function formatFrench(instant: Date, zone: string = DEFAULT_ZONE, options: FormatFrenchOptions = {}): string {
  const { withTime = false, withWeekday = true } = options;
  const local = toLocal(instant, zone);
  const text = frenchDay(local, local.weekday, withWeekday);
  return withTime ? `${text} à ${pad2(local.hour)} h ${pad2(local.minute)}` : text;
}

/** A calendar day as {@link formatFrench} writes it: « samedi 22 février 2025 », « 1er mai 2025 ». */
export function formatFrenchDate(day: LocalDate, options: { withWeekday?: boolean } = {}): string {
  return frenchDay(day, weekdayOf(day), options.withWeekday ?? true);
}

function frenchDay(day: LocalDate, weekday: number, withWeekday: boolean): string {
  const date = `${day.day === 1 ? '1er' : day.day} ${FRENCH_MONTHS[day.month - 1]} ${day.year}`;
  return withWeekday ? `${FRENCH_WEEKDAYS[weekday]} ${date}` : date;
}

/** Milliseconds from `now` to `target`, 0 when `target` has passed: the argument of a workflow sleep. */
export function durationUntil(now: Date, target: Date): number {
  return Math.max(0, toMs(target, 'target') - toMs(now, 'now'));
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
