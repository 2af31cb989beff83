/**
 * The rétroplanning as a picture: one year (a calendar year, a school year, or any span of up to
 * two years) as a timeline, laid out like the « RETROPLANNING » slide of the reference
 * presentation — months as columns, milestones in a band above them with their labels, then one
 * lane per instance (bureau, COPIL, COTECH, GTT…) with its meetings, a line for today, school
 * holidays shaded and public holidays ticked.
 *
 * Pure and deterministic: no clock (today is an input), no font measured (label widths are
 * estimated from character classes, on the wide side so that estimated-apart labels stay apart),
 * numbers rounded to hundredths, so one input always gives the same bytes (golden files in
 * test/fixtures/svg pin them). The SVG is accessible: role="img" with a <title> and a <desc> that
 * says in words everything the picture shows, every label is real <text> in a generic
 * `sans-serif`, every element has a tooltip (<title>), and every text is XML-escaped.
 *
 * {@link layoutRetroplanning} computes the geometry, {@link retroplanningSvg} draws it; tests read
 * the first to check the layout and parse the second.
 */
import type { MilestoneStatus } from '../../domain/convention-setup.js';
import { DomainError } from '../../domain/errors.js';
import type { MeetingStatus } from '../../domain/meeting-rules.js';
import {
  compareDates,
  dateKey,
  formatFrenchDate,
  isValidDate,
  shiftDate,
  type LocalDate,
  FRENCH_MONTHS,
} from '../../domain/paris-time.js';
import { publicHolidays } from '../../domain/public-holidays.js';
import { SCHOOL_HOLIDAY_COVERAGE, schoolHolidaysBetween, type Zone } from '../../domain/school-holidays.js';

/** An instance shown as a lane. */
export interface RetroplanningLane {
  /** What meetings and milestones refer to (the instance slug). */
  id: string;
  /** « Comité de pilotage partenarial (COPIL) ». */
  name: string;
  /** The instance kind (bureau_communautaire, copil, cotech, gtt…): picks the lane's colour. */
  kind: string;
  /** A short name for the milestones it owns (« COPIL »); default: {@link shortInstanceName}. */
  short?: string;
}

/** The status of a meeting, as the Meeting table records it. */
export type RetroplanningMeetingStatus = MeetingStatus;

/** A meeting: a marker in its instance's lane. */
export interface RetroplanningMeeting {
  /** The {@link RetroplanningLane.id} of its instance. */
  lane: string;
  /** Its local day. */
  date: LocalDate;
  title: string;
  status: RetroplanningMeetingStatus;
}

/** The status of a milestone, as the Milestone table records it. */
export type RetroplanningMilestoneStatus = MilestoneStatus;

/** A milestone: a diamond for a day, a bar for a period (`endDate`), in the band above the months. */
export interface RetroplanningMilestone {
  date: LocalDate;
  /** The last day of a period (« avril - mai »), included. */
  endDate?: LocalDate;
  title: string;
  /** The {@link RetroplanningLane.id} of the instance in charge: its colour and short name. */
  owner?: string;
  /** Default a_venir. */
  status?: RetroplanningMilestoneStatus;
}

/** The span shown: both days included. */
export interface RetroplanningPeriod {
  from: LocalDate;
  to: LocalDate;
}

/** What the picture shows. The period is a calendar `year`, or `from` and `to`. */
export type RetroplanningInput = ({ year: number } | RetroplanningPeriod) & {
  /** « Rétroplanning 2024 ». */
  title: string;
  /** A second line under the title (the convention's name); default: the period in words. */
  subtitle?: string;
  /** Draws the today marker when the day is within the period. */
  today?: LocalDate;
  /** In the order they are drawn, top to bottom. */
  lanes: readonly RetroplanningLane[];
  meetings: readonly RetroplanningMeeting[];
  milestones: readonly RetroplanningMilestone[];
  /** Shades this zone's school holidays, where the data knows them. */
  zone?: Zone;
};

/** The longest span drawn: two years and a day, so a leap year and a school year both fit. */
export const MAX_PERIOD_DAYS = 732;

/** The picture's width; its height follows from the number of milestone rows and lanes. */
export const SVG_WIDTH = 1200;
/** Where the months start and end (lane names live left of PLOT_LEFT). */
export const PLOT_LEFT = 210;
export const PLOT_RIGHT = SVG_WIDTH - 20;

const MARGIN = 16;
const TITLE_BASELINE = 30;
const SUBTITLE_BASELINE = 50;
const BAND_TOP = 66;
const ROW_HEIGHT = 46;
const ROW_GAP = 10;
const LABEL_SIZE = 11;
const LABEL_LINE = 13;
const LABEL_MAX_WIDTH = 230;
const HEADER_HEIGHT = 40;
const LANE_HEIGHT = 40;
const LANE_LABEL_SIZE = 11;
const TODAY_LABEL_HEIGHT = 22;
const LEGEND_ROW = 22;
const LEGEND_SIZE = 11;

/** Colour-blind-safe colours (Okabe-Ito, and a wine red) for each instance kind. */
export const KIND_COLOURS: Readonly<Record<string, string>> = Object.freeze({
  conseil_communautaire: '#882255',
  bureau_communautaire: '#CC79A7',
  copil: '#E69F00',
  cotech: '#009E73',
  gtt: '#56B4E9',
  groupe_elaboration: '#0072B2',
});
const OTHER_COLOUR = '#666666';
const MILESTONE_COLOUR = '#444444';
export const TODAY_COLOUR = '#D7191C';
const CANCELLED_COLOUR = '#9E9E9E';
const TEXT_COLOUR = '#222222';
const MUTED_COLOUR = '#555555';
const GRID_COLOUR = '#D0D0D0';
const MONTH_SHADE = '#F4F4F4';
const HOLIDAY_SHADE = '#DCE8F5';
const PUBLIC_HOLIDAY_COLOUR = '#B00020';

/** The abbreviations of the Imprimerie nationale, for columns too narrow for the full name. */
const MONTH_ABBREVIATIONS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
] as const;

const MEETING_STATUS_WORDS: Readonly<Record<RetroplanningMeetingStatus, string>> = {
  planifiee: 'planifiée',
  convoquee: 'convoquée',
  tenue: 'tenue',
  annulee: 'annulée',
};
const MILESTONE_STATUS_WORDS: Readonly<Record<RetroplanningMilestoneStatus, string>> = {
  a_venir: 'à venir',
  fait: 'fait',
  reporte: 'reporté',
};

/** A month column. */
export interface MonthColumn {
  year: number;
  month: number;
  x: number;
  width: number;
  /** The name shown: full (« Septembre »), or abbreviated when the column is narrow. */
  label: string;
  /** The year under the name, on the first column and on each January. */
  yearLabel?: string;
}

/** A milestone placed in the band. */
export interface MilestoneBox {
  milestone: RetroplanningMilestone;
  /** 0 for the top row. */
  row: number;
  /** The marker: a bar from `markerLeft` to `markerRight`, or a diamond centred between them. */
  markerLeft: number;
  markerRight: number;
  isPeriod: boolean;
  /** Where the label starts, and its lines. */
  labelLeft: number;
  lines: string[];
  /** The space the item takes in its row, label included: no other item of the row enters it. */
  left: number;
  right: number;
  y: number;
  colour: string;
}

/** A meeting placed in its lane. */
export interface MeetingMark {
  meeting: RetroplanningMeeting;
  x: number;
  y: number;
  colour: string;
  /** The day of the month under the marker, left out where it would touch the previous one. */
  dayLabel: boolean;
}

/** Everything {@link retroplanningSvg} draws, with its coordinates. */
export interface RetroplanningLayout {
  period: RetroplanningPeriod;
  width: number;
  height: number;
  /** Width of one day on the time axis. */
  dayWidth: number;
  months: MonthColumn[];
  bandTop: number;
  bandBottom: number;
  milestones: MilestoneBox[];
  headerTop: number;
  lanesTop: number;
  lanesBottom: number;
  lanes: Array<{ lane: RetroplanningLane; y: number; lines: string[]; colour: string }>;
  meetings: MeetingMark[];
  schoolHolidays: Array<{
    name: string;
    from: LocalDate;
    until: LocalDate;
    x: number;
    width: number;
    verified: boolean;
  }>;
  /** Whether the zone's school holidays are known for the whole period. */
  schoolHolidaysComplete: boolean;
  publicHolidays: Array<{ name: string; date: LocalDate; x: number }>;
  /** The centre of today's column, when today is in the period. */
  todayX?: number;
  legendTop: number;
}

/** 1 January to 31 December. */
export function calendarYear(year: number): RetroplanningPeriod {
  return { from: { year, month: 1, day: 1 }, to: { year, month: 12, day: 31 } };
}

/** A school year, 1 September to 31 August: `schoolYear(2024)` is 2024-2025. */
export function schoolYear(startYear: number): RetroplanningPeriod {
  return { from: { year: startYear, month: 9, day: 1 }, to: { year: startYear + 1, month: 8, day: 31 } };
}

/**
 * The period an address names: `2024` (the calendar year) or `2024-2025` (the school year from
 * September); null for anything else, or a year outside 1900–2199.
 */
export function parsePeriodKey(key: string): (RetroplanningPeriod & { key: string; label: string }) | null {
  const match = /^(\d{4})(?:-(\d{4}))?$/.exec(key);
  if (!match) return null;
  const start = Number(match[1]);
  if (start < 1900 || start > 2199) return null;
  if (match[2] === undefined) return { ...calendarYear(start), key, label: String(start) };
  if (Number(match[2]) !== start + 1) return null;
  return { ...schoolYear(start), key, label: `${start}-${start + 1}` };
}

/** « Comité de pilotage partenarial (COPIL) » → « COPIL », « GTT1 — Petite enfance » → « GTT1 ». */
export function shortInstanceName(name: string): string {
  const acronym = /\(([A-Z][A-Z0-9-]{1,11})\)\s*$/.exec(name);
  if (acronym) return acronym[1]!.trim();
  const dash = name.split(/\s[—–-]\s/)[0]!.trim();
  return dash || name;
}

function invalid(message: string, field: string): DomainError {
  return new DomainError('INVALID_INPUT', message, field);
}

function periodOf(input: RetroplanningInput): RetroplanningPeriod {
  if ('year' in input) {
    if (!Number.isInteger(input.year) || input.year < 1583) {
      throw invalid(
        `L’année du rétroplanning doit être un nombre entier à partir de 1583 ; « ${input.year} » n’en est pas une.`,
        'year',
      );
    }
    return calendarYear(input.year);
  }
  checkDate(input.from, 'from');
  checkDate(input.to, 'to');
  const days = dayNumber(input.to) - dayNumber(input.from) + 1;
  if (days < 1)
    throw invalid(
      `La fin du rétroplanning (${formatFrenchDate(input.to)}) précède son début (${formatFrenchDate(input.from)}).`,
      'to',
    );
  if (days > MAX_PERIOD_DAYS)
    throw invalid(`Un rétroplanning couvre au plus ${MAX_PERIOD_DAYS} jours ; celui-ci en couvre ${days}.`, 'to');
  return { from: input.from, to: input.to };
}

function checkDate(day: LocalDate, field: string): void {
  if (!day || !isValidDate(day))
    throw invalid(`La date ${day ? dateKey(day) : '(absente)'} n’existe pas dans le calendrier.`, field);
}

/** Days since 1970-01-01 of a calendar day (arithmetic only: no zone involved). */
function dayNumber(day: LocalDate): number {
  const date = new Date(0);
  date.setUTCFullYear(day.year, day.month - 1, day.day);
  return Math.round(date.getTime() / 86_400_000);
}

/**
 * A width, in user units, that a sans-serif text of `size` takes at most: each character counted
 * at the widest advance of its class in DejaVu Sans (the widest common sans-serif, and the one the
 * PNG is drawn with), so a label never runs past its estimate in it, nor in Arial or Liberation Sans.
 */
export function estimateTextWidth(text: string, size: number): number {
  let em = 0;
  for (const char of text) {
    if (/[ il.,:;'’!|ìíîïIJj]/.test(char)) em += 0.34;
    else if (/[ftr()[\]]/.test(char)) em += 0.42;
    else if (/[csz]/.test(char)) em += 0.56;
    else if (/[mwMW—…@%]/.test(char)) em += 1;
    else if (/[A-ZÀ-ÖØ-Þ&]/.test(char)) em += 0.79;
    else em += 0.64;
  }
  return em * size;
}

/** Whitespace made single spaces, and characters XML 1.0 forbids dropped. */
function clean(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** `text` cut to fit `maxWidth`, ending with « … » when something was cut. */
function truncate(text: string, maxWidth: number, size: number): string {
  if (estimateTextWidth(text, size) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && estimateTextWidth(`${chars.join('')}…`, size) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Words filled into at most `maxLines` lines of `maxWidth`; what does not fit ends with « … ». */
export function wrapText(text: string, maxWidth: number, size: number, maxLines: number): string[] {
  const words = clean(text).split(' ').filter(Boolean);
  const lines: string[] = [];
  let current = '';
  let index = 0;
  for (; index < words.length; index++) {
    const word = words[index]!;
    const candidate = current ? `${current} ${word}` : word;
    if (estimateTextWidth(candidate, size) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (!current) {
      // One word wider than the line: cut it.
      current = truncate(word, maxWidth, size);
      continue;
    }
    lines.push(current);
    current = word;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines) {
    if (current) lines.push(truncate(current, maxWidth, size));
    return lines;
  }
  // Out of lines with words left: the last line takes an ellipsis.
  const rest = [lines.pop()!, ...words.slice(index)].join(' ');
  lines.push(truncate(rest, maxWidth - 1, size));
  return lines;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function round(value: number): number {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** `12/03`. */
function shortDate(day: LocalDate): string {
  return `${String(day.day).padStart(2, '0')}/${String(day.month).padStart(2, '0')}`;
}

function frenchSpan(from: LocalDate, to: LocalDate): string {
  return compareDates(from, to) === 0
    ? `le ${formatFrenchDate(from)}`
    : `du ${formatFrenchDate(from)} au ${formatFrenchDate(to)}`;
}

/** The geometry of the picture: months, milestone rows, lanes, markers, holidays, today. */
export function layoutRetroplanning(input: RetroplanningInput): RetroplanningLayout {
  const period = periodOf(input);
  const first = dayNumber(period.from);
  const last = dayNumber(period.to);
  const dayWidth = (PLOT_RIGHT - PLOT_LEFT) / (last - first + 1);
  /** The left edge of a day's column; a day past the period gives the right edge. */
  const xOf = (day: LocalDate) =>
    round(PLOT_LEFT + Math.min(Math.max(dayNumber(day) - first, 0), last - first + 1) * dayWidth);
  const centreOf = (day: LocalDate) => round(PLOT_LEFT + (dayNumber(day) - first + 0.5) * dayWidth);
  const inPeriod = (day: LocalDate) => compareDates(day, period.from) >= 0 && compareDates(day, period.to) <= 0;

  const laneById = new Map<string, { lane: RetroplanningLane; index: number }>();
  input.lanes.forEach((lane, index) => {
    if (laneById.has(lane.id))
      throw invalid(`Deux instances du rétroplanning ont l’identifiant « ${lane.id} ».`, `lanes.${index}.id`);
    laneById.set(lane.id, { lane, index });
  });
  const colourOf = (lane: RetroplanningLane | undefined) =>
    lane ? (KIND_COLOURS[lane.kind] ?? OTHER_COLOUR) : MILESTONE_COLOUR;

  const months: MonthColumn[] = [];
  for (
    let year = period.from.year, month = period.from.month;
    year < period.to.year || (year === period.to.year && month <= period.to.month);
  ) {
    const start = compareDates({ year, month, day: 1 }, period.from) < 0 ? period.from : { year, month, day: 1 };
    const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
    const x = xOf(start);
    const width = round(xOf(next) - x);
    const full = capitalise(FRENCH_MONTHS[month - 1]!);
    const label = estimateTextWidth(full, 12) + 4 <= width ? full : MONTH_ABBREVIATIONS[month - 1]!;
    const column: MonthColumn = { year, month, x, width, label: estimateTextWidth(label, 12) <= width ? label : '' };
    if (months.length === 0 || month === 1) column.yearLabel = String(year);
    months.push(column);
    year = next.year;
    month = next.month;
  }

  const milestones = placeMilestones(input.milestones, period, laneById, xOf, centreOf, colourOf);
  const rows = milestones.reduce((count, box) => Math.max(count, box.row + 1), 1);
  const bandBottom = BAND_TOP + rows * ROW_HEIGHT + 6;
  for (const box of milestones) box.y = BAND_TOP + box.row * ROW_HEIGHT;

  const headerTop = bandBottom;
  const lanesTop = headerTop + HEADER_HEIGHT;
  const lanes = input.lanes.map((lane, index) => ({
    lane,
    y: lanesTop + index * LANE_HEIGHT,
    lines: wrapText(lane.name, PLOT_LEFT - MARGIN - 10, LANE_LABEL_SIZE, 2),
    colour: colourOf(lane),
  }));
  const lanesBottom = lanesTop + Math.max(lanes.length, 1) * LANE_HEIGHT;

  const meetings = placeMeetings(input.meetings, laneById, lanesTop, inPeriod, centreOf, colourOf);

  const holidays: RetroplanningLayout['schoolHolidays'] = [];
  let schoolHolidaysComplete = input.zone === undefined;
  if (input.zone !== undefined) {
    const { from: known, until } = SCHOOL_HOLIDAY_COVERAGE;
    const lastKnown = shiftDate(until, -1);
    const from = compareDates(period.from, known) < 0 ? known : period.from;
    const to = compareDates(period.to, lastKnown) > 0 ? lastKnown : period.to;
    schoolHolidaysComplete = compareDates(from, period.from) === 0 && compareDates(to, period.to) === 0;
    if (compareDates(from, to) <= 0) {
      for (const holiday of schoolHolidaysBetween(from, to, input.zone)) {
        const x = xOf(holiday.start);
        holidays.push({
          name: `${holiday.name} (zone ${holiday.zone})`,
          from: holiday.start,
          until: holiday.end,
          x,
          width: round(xOf(holiday.end) - x),
          verified: holiday.verified,
        });
      }
    }
  }

  const publicDays: RetroplanningLayout['publicHolidays'] = [];
  for (let year = period.from.year; year <= period.to.year; year++) {
    for (const holiday of publicHolidays(year)) {
      if (inPeriod(holiday.date))
        publicDays.push({ name: holiday.name, date: holiday.date, x: centreOf(holiday.date) });
    }
  }

  const layout: RetroplanningLayout = {
    period,
    width: SVG_WIDTH,
    height: 0,
    dayWidth,
    months,
    bandTop: BAND_TOP,
    bandBottom,
    milestones,
    headerTop,
    lanesTop,
    lanesBottom,
    lanes,
    meetings,
    schoolHolidays: holidays,
    schoolHolidaysComplete,
    publicHolidays: publicDays,
    legendTop: lanesBottom + TODAY_LABEL_HEIGHT,
  };
  if (input.today !== undefined) {
    checkDate(input.today, 'today');
    if (inPeriod(input.today)) layout.todayX = centreOf(input.today);
  }
  layout.height = layout.legendTop + legendItems(layout).rows * LEGEND_ROW + 8;
  return layout;
}

/**
 * Milestones in rows: each takes the first row where it touches nothing (its marker and its label,
 * plus a gap), in order of where it starts on the page; the rows are as many as the overlaps need.
 */
function placeMilestones(
  list: readonly RetroplanningMilestone[],
  period: RetroplanningPeriod,
  laneById: Map<string, { lane: RetroplanningLane }>,
  xOf: (day: LocalDate) => number,
  centreOf: (day: LocalDate) => number,
  colourOf: (lane: RetroplanningLane | undefined) => string,
): MilestoneBox[] {
  const shown = list
    .map((milestone, index) => {
      checkDate(milestone.date, `milestones.${index}.date`);
      if (milestone.endDate !== undefined) {
        checkDate(milestone.endDate, `milestones.${index}.endDate`);
        if (compareDates(milestone.endDate, milestone.date) < 0) {
          throw invalid(
            `Le jalon « ${clean(milestone.title)} » finit (${formatFrenchDate(milestone.endDate)}) ` +
              `avant de commencer (${formatFrenchDate(milestone.date)}).`,
            `milestones.${index}.endDate`,
          );
        }
      }
      if (milestone.owner !== undefined && !laneById.has(milestone.owner)) {
        throw invalid(
          `Le jalon « ${clean(milestone.title)} » est confié à « ` +
            `${milestone.owner} », qui n’est pas une instance du rétroplanning.`,
          `milestones.${index}.owner`,
        );
      }
      return milestone;
    })
    .filter(
      (milestone) =>
        compareDates(milestone.date, period.to) <= 0 &&
        compareDates(milestone.endDate ?? milestone.date, period.from) >= 0,
    )
    .sort(
      (a, b) =>
        compareDates(a.date, b.date) ||
        compareDates(a.endDate ?? a.date, b.endDate ?? b.date) ||
        compareText(a.title, b.title),
    );

  const boxes = shown.map((milestone) => {
    const end = milestone.endDate ?? milestone.date;
    const isPeriod = compareDates(end, milestone.date) !== 0;
    const centre = centreOf(milestone.date);
    const markerLeft = isPeriod ? xOf(milestone.date) : round(centre - 6);
    const markerRight = isPeriod ? xOf(shiftDate(end, 1)) : round(centre + 6);
    const owner = milestone.owner === undefined ? undefined : laneById.get(milestone.owner)!.lane;
    const lines = wrapText(milestoneLabel(milestone, owner, isPeriod), LABEL_MAX_WIDTH, LABEL_SIZE, 2);
    const labelWidth = Math.max(...lines.map((line) => estimateTextWidth(line, LABEL_SIZE)));
    const labelLeft = round(Math.max(PLOT_LEFT, Math.min(markerLeft, PLOT_RIGHT - labelWidth)));
    const left = Math.min(markerLeft, labelLeft);
    const right = round(Math.max(markerRight, labelLeft + labelWidth));
    return {
      milestone,
      row: 0,
      markerLeft,
      markerRight,
      isPeriod,
      labelLeft,
      lines,
      left,
      right,
      y: 0,
      colour: colourOf(owner),
    };
  });
  // First fit in order of left edges: each row's last item is its rightmost, so one comparison
  // a row tells whether an item fits there.
  boxes.sort((a, b) => a.left - b.left);
  const rowEnds: number[] = [];
  for (const box of boxes) {
    let row = rowEnds.findIndex((rowEnd) => rowEnd + ROW_GAP <= box.left);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = box.right;
    box.row = row;
  }
  return boxes;
}

/** « 19/01 : Réunion partenariale… », with the owner's short name when the title lacks it. */
function milestoneLabel(
  milestone: RetroplanningMilestone,
  owner: RetroplanningLane | undefined,
  isPeriod: boolean,
): string {
  let label = clean(milestone.title);
  const short = owner ? clean(owner.short ?? shortInstanceName(owner.name)) : '';
  // A long name would crowd out the title: the colour says who is in charge, the tooltip says it in full.
  if (short && short.length <= 16 && !label.toLowerCase().includes(short.toLowerCase())) label = `${label} (${short})`;
  if (milestone.status === 'reporte') label = `${label} — reporté`;
  return isPeriod ? label : `${shortDate(milestone.date)} : ${label}`;
}

function placeMeetings(
  list: readonly RetroplanningMeeting[],
  laneById: Map<string, { lane: RetroplanningLane; index: number }>,
  lanesTop: number,
  inPeriod: (day: LocalDate) => boolean,
  centreOf: (day: LocalDate) => number,
  colourOf: (lane: RetroplanningLane | undefined) => string,
): MeetingMark[] {
  const marks = list
    .map((meeting, index) => {
      checkDate(meeting.date, `meetings.${index}.date`);
      const lane = laneById.get(meeting.lane);
      if (!lane)
        throw invalid(
          `La réunion « ${clean(meeting.title)} » est d’une instance, ` +
            `« ${meeting.lane} », qui n’est pas dans le rétroplanning.`,
          `meetings.${index}.lane`,
        );
      if (!Object.hasOwn(MEETING_STATUS_WORDS, meeting.status)) {
        throw invalid(
          `Le statut « ${meeting.status} » de la réunion « ${clean(meeting.title)} ` +
            `» est inconnu : planifiee, convoquee, tenue ou annulee.`,
          `meetings.${index}.status`,
        );
      }
      return { meeting, lane };
    })
    .filter(({ meeting }) => inPeriod(meeting.date))
    .sort(
      (a, b) =>
        a.lane.index - b.lane.index ||
        compareDates(a.meeting.date, b.meeting.date) ||
        compareText(a.meeting.title, b.meeting.title),
    );

  const lastLabel = new Map<string, number>();
  return marks.map(({ meeting, lane }) => {
    const x = centreOf(meeting.date);
    const previous = lastLabel.get(meeting.lane);
    // A day number is two digits of 9 px: keep 14 px between their centres.
    const dayLabel = previous === undefined || x - previous >= 14;
    if (dayLabel) lastLabel.set(meeting.lane, x);
    return { meeting, x, y: lanesTop + lane.index * LANE_HEIGHT + 15, colour: colourOf(lane.lane), dayLabel };
  });
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** XML text and attribute values: escaped, with the characters XML 1.0 forbids dropped. */
export function escapeXml(text: string): string {
  return clean(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

type Attributes = Record<string, string | number | undefined>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? round(value) : escapeXml(value!)}"`)
    .join('');
}

function element(name: string, attrs: Attributes, content?: string): string {
  return content === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${content}</${name}>`;
}

function tooltip(text: string): string {
  return `<title>${escapeXml(text)}</title>`;
}

function textLines(lines: readonly string[], x: number, y: number, lineHeight: number, attrs: Attributes): string {
  if (lines.length === 1) return element('text', { x, y, ...attrs }, escapeXml(lines[0]!));
  const spans = lines
    .map((line, index) => element('tspan', { x, dy: index === 0 ? undefined : lineHeight }, escapeXml(line)))
    .join('');
  return element('text', { x, y, ...attrs }, spans);
}

interface LegendItem {
  label: string;
  draw: (x: number, y: number) => string;
  x: number;
  row: number;
}

function legendItems(layout: RetroplanningLayout): { items: LegendItem[]; rows: number } {
  const swatch = (fill: string) => (x: number, y: number) =>
    element('rect', { x, y: y - 9, width: 14, height: 10, fill });
  const entries: Array<Omit<LegendItem, 'x' | 'row'>> = [
    {
      label: 'Jalon (un jour)',
      draw: (x, y) => element('path', { d: `M${x + 7} ${y - 10}l6 6-6 6-6-6z`, fill: MILESTONE_COLOUR }),
    },
    {
      label: 'Période',
      draw: (x, y) => element('rect', { x, y: y - 8, width: 16, height: 8, rx: 3, fill: MILESTONE_COLOUR }),
    },
    {
      label: 'Jalon à venir',
      draw: (x, y) =>
        element('rect', {
          x,
          y: y - 8,
          width: 16,
          height: 8,
          rx: 3,
          fill: MILESTONE_COLOUR,
          'fill-opacity': 0.35,
          stroke: MILESTONE_COLOUR,
        }),
    },
    {
      label: 'Réunion convoquée ou tenue',
      draw: (x, y) => element('circle', { cx: x + 6, cy: y - 4, r: 5, fill: OTHER_COLOUR }),
    },
    {
      label: 'Réunion planifiée',
      draw: (x, y) =>
        element('circle', { cx: x + 6, cy: y - 4, r: 4, fill: '#FFFFFF', stroke: OTHER_COLOUR, 'stroke-width': 2 }),
    },
    { label: 'Réunion annulée', draw: (x, y) => cancelledMark(x + 6, y - 4) },
    {
      label: 'Jour férié',
      draw: (x, y) => element('rect', { x: x + 5, y: y - 10, width: 2, height: 10, fill: PUBLIC_HOLIDAY_COLOUR }),
    },
  ];
  if (layout.schoolHolidays.length > 0 || !layout.schoolHolidaysComplete) {
    const zone = layout.schoolHolidays[0]?.name.match(/zone (\w)/)?.[1];
    entries.push({
      label: zone ? `Vacances scolaires (zone ${zone})` : 'Vacances scolaires',
      draw: swatch(HOLIDAY_SHADE),
    });
  }
  if (layout.todayX !== undefined) {
    entries.push({
      label: 'Aujourd’hui',
      draw: (x, y) => element('rect', { x: x + 5, y: y - 11, width: 2, height: 12, fill: TODAY_COLOUR }),
    });
  }
  const items: LegendItem[] = [];
  let x = MARGIN;
  let row = 0;
  for (const entry of entries) {
    const width = 20 + estimateTextWidth(entry.label, LEGEND_SIZE) + 18;
    if (x + width > SVG_WIDTH - MARGIN && x > MARGIN) {
      row++;
      x = MARGIN;
    }
    items.push({ ...entry, x, row });
    x += width;
  }
  return { items, rows: row + 1 };
}

function cancelledMark(cx: number, cy: number): string {
  return (
    element('circle', { cx, cy, r: 4, fill: '#FFFFFF', stroke: CANCELLED_COLOUR, 'stroke-width': 2 }) +
    element('line', { x1: cx - 6, y1: cy + 6, x2: cx + 6, y2: cy - 6, stroke: CANCELLED_COLOUR, 'stroke-width': 2 })
  );
}

/** The picture's <desc>: everything it shows, in French sentences, for screen readers. */
function description(layout: RetroplanningLayout, input: RetroplanningInput): string {
  const { period } = layout;
  const parts = [`Rétroplanning ${frenchSpan(period.from, period.to)}, un mois par colonne.`];
  if (layout.milestones.length === 0) parts.push('Aucun jalon.');
  else {
    const listed = layout.milestones.map(({ milestone }) => {
      const owner =
        milestone.owner === undefined ? '' : `, ${input.lanes.find((lane) => lane.id === milestone.owner)!.name}`;
      const status = MILESTONE_STATUS_WORDS[milestone.status ?? 'a_venir'];
      return (
        `${clean(milestone.title)} ` +
        `(${frenchSpan(milestone.date, milestone.endDate ?? milestone.date)}${owner}, ${status})`
      );
    });
    parts.push(`${layout.milestones.length} jalon${layout.milestones.length > 1 ? 's' : ''} : ${listed.join(' ; ')}.`);
  }
  for (const { lane } of layout.lanes) {
    const meetings = layout.meetings.filter((mark) => mark.meeting.lane === lane.id);
    const listed = meetings.map(
      ({ meeting }) =>
        `${clean(meeting.title)}, ${frenchSpan(meeting.date, meeting.date)}, ${MEETING_STATUS_WORDS[meeting.status]}`,
    );
    parts.push(`${clean(lane.name)} : ${meetings.length === 0 ? 'aucune réunion' : listed.join(' ; ')}.`);
  }
  if (input.zone !== undefined) {
    parts.push(
      layout.schoolHolidays.length === 0
        ? `Vacances scolaires de la zone ${input.zone} non connues pour cette période.`
        : `Vacances scolaires (zone ${input.zone}) sur fond bleu clair${
            layout.schoolHolidaysComplete ? '' : ', connues pour une partie de la période seulement'
          }.`,
    );
  }
  if (layout.todayX !== undefined && input.today) parts.push(`Aujourd’hui : ${formatFrenchDate(input.today)}.`);
  return parts.join(' ');
}

/** The rétroplanning as an SVG document (UTF-8 text, no XML declaration needed). */
export function retroplanningSvg(input: RetroplanningInput): string {
  const layout = layoutRetroplanning(input);
  const { width, height, period } = layout;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg"${attributes({
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'retroplanning-title retroplanning-desc',
      'xml:lang': 'fr',
      'font-family': 'sans-serif',
    })}>`,
  );
  out.push(element('title', { id: 'retroplanning-title' }, escapeXml(input.title)));
  out.push(element('desc', { id: 'retroplanning-desc' }, escapeXml(description(layout, input))));
  out.push(element('rect', { width, height, fill: '#FFFFFF' }));

  out.push(
    element(
      'text',
      { x: MARGIN, y: TITLE_BASELINE, 'font-size': 20, 'font-weight': 'bold', fill: TEXT_COLOUR },
      escapeXml(input.title),
    ),
  );
  const subtitle = input.subtitle ?? capitalise(frenchSpan(period.from, period.to));
  out.push(
    element('text', { x: MARGIN, y: SUBTITLE_BASELINE, 'font-size': 12, fill: MUTED_COLOUR }, escapeXml(subtitle)),
  );

  // Month columns, shaded one in two, from the band down to the last lane.
  out.push('<g class="months">');
  layout.months.forEach((column, index) => {
    const name = `${capitalise(FRENCH_MONTHS[column.month - 1]!)} ${column.year}`;
    out.push(`<g class="month" data-month="${column.year}-${String(column.month).padStart(2, '0')}">${tooltip(name)}`);
    out.push(
      element('rect', {
        x: column.x,
        y: layout.bandTop,
        width: column.width,
        height: layout.lanesBottom - layout.bandTop,
        fill: index % 2 === 0 ? MONTH_SHADE : '#FFFFFF',
      }),
    );
    out.push(
      element(
        'text',
        {
          x: column.x + column.width / 2,
          y: layout.headerTop + 17,
          'font-size': 12,
          'font-weight': 'bold',
          'text-anchor': 'middle',
          fill: TEXT_COLOUR,
        },
        escapeXml(column.label),
      ),
    );
    if (column.yearLabel)
      out.push(
        element(
          'text',
          {
            x: column.x + column.width / 2,
            y: layout.headerTop + 31,
            'font-size': 10,
            'text-anchor': 'middle',
            fill: MUTED_COLOUR,
          },
          column.yearLabel,
        ),
      );
    out.push('</g>');
  });
  out.push('</g>');

  if (layout.schoolHolidays.length > 0) {
    out.push('<g class="school-holidays">');
    for (const holiday of layout.schoolHolidays) {
      const text =
        `${holiday.name} : du ${formatFrenchDate(holiday.from)}, reprise le ` +
        `${formatFrenchDate(holiday.until)}${holiday.verified ? '' : ' (dates à vérifier)'}`;
      out.push(`<g class="school-holiday" data-from="${dateKey(holiday.from)}">${tooltip(text)}`);
      out.push(
        element('rect', {
          x: holiday.x,
          y: layout.lanesTop,
          width: holiday.width,
          height: layout.lanesBottom - layout.lanesTop,
          fill: HOLIDAY_SHADE,
          'fill-opacity': 0.8,
        }),
      );
      out.push('</g>');
    }
    out.push('</g>');
  }

  // Grid: month boundaries, the header's rule, lane separators and names.
  out.push(`<g class="grid" stroke="${GRID_COLOUR}" stroke-width="1">`);
  for (const column of layout.months)
    out.push(element('line', { x1: column.x, y1: layout.bandTop, x2: column.x, y2: layout.lanesBottom }));
  out.push(element('line', { x1: PLOT_RIGHT, y1: layout.bandTop, x2: PLOT_RIGHT, y2: layout.lanesBottom }));
  out.push(
    element('line', { x1: MARGIN, y1: layout.headerTop, x2: PLOT_RIGHT, y2: layout.headerTop, stroke: '#888888' }),
  );
  out.push(
    element('line', { x1: MARGIN, y1: layout.lanesTop, x2: PLOT_RIGHT, y2: layout.lanesTop, stroke: '#888888' }),
  );
  for (const lane of layout.lanes)
    out.push(element('line', { x1: MARGIN, y1: lane.y + LANE_HEIGHT, x2: PLOT_RIGHT, y2: lane.y + LANE_HEIGHT }));
  out.push('</g>');
  out.push(
    element(
      'text',
      { x: MARGIN, y: layout.bandTop + 16, 'font-size': 12, 'font-weight': 'bold', fill: TEXT_COLOUR },
      'Jalons',
    ),
  );
  out.push(
    element(
      'text',
      { x: MARGIN, y: layout.headerTop + 17, 'font-size': 12, 'font-weight': 'bold', fill: TEXT_COLOUR },
      'Instances',
    ),
  );
  out.push('<g class="lanes">');
  for (const lane of layout.lanes) {
    out.push(`<g class="lane" data-lane="${escapeXml(lane.lane.id)}">${tooltip(lane.lane.name)}`);
    out.push(element('rect', { x: MARGIN, y: lane.y + 8, width: 4, height: LANE_HEIGHT - 16, fill: lane.colour }));
    const top = lane.y + (lane.lines.length === 1 ? 24 : 17);
    out.push(textLines(lane.lines, MARGIN + 10, top, 13, { 'font-size': LANE_LABEL_SIZE, fill: TEXT_COLOUR }));
    out.push('</g>');
  }
  out.push('</g>');

  if (layout.publicHolidays.length > 0) {
    out.push('<g class="public-holidays">');
    for (const holiday of layout.publicHolidays) {
      out.push(
        `<g class="public-holiday" data-date="${dateKey(holiday.date)}">${tooltip(
          `${holiday.name}, ${formatFrenchDate(holiday.date)} (jour férié)`,
        )}`,
      );
      out.push(
        element('rect', { x: holiday.x - 1, y: layout.lanesTop - 8, width: 2, height: 8, fill: PUBLIC_HOLIDAY_COLOUR }),
      );
      out.push('</g>');
    }
    out.push('</g>');
  }

  if (layout.todayX !== undefined && input.today) {
    const x = layout.todayX;
    const label = `Aujourd’hui, ${formatFrenchDate(input.today, { withWeekday: false })}`;
    const labelWidth = estimateTextWidth(label, 11);
    const anchor = x - labelWidth / 2 < MARGIN ? 'start' : x + labelWidth / 2 > SVG_WIDTH - MARGIN ? 'end' : 'middle';
    out.push(`<g class="today" data-date="${dateKey(input.today)}">${tooltip(label)}`);
    out.push(
      element('rect', {
        x: x - 1,
        y: layout.bandTop,
        width: 2,
        height: layout.lanesBottom - layout.bandTop + 4,
        fill: TODAY_COLOUR,
      }),
    );
    out.push(
      element(
        'text',
        {
          x,
          y: layout.lanesBottom + 16,
          'font-size': 11,
          'font-weight': 'bold',
          'text-anchor': anchor,
          fill: TODAY_COLOUR,
        },
        escapeXml(label),
      ),
    );
    out.push('</g>');
  }

  out.push('<g class="milestones">');
  if (layout.milestones.length === 0) {
    out.push(
      element(
        'text',
        {
          x: PLOT_LEFT + 8,
          y: layout.bandTop + 16,
          'font-size': LABEL_SIZE,
          'font-style': 'italic',
          fill: MUTED_COLOUR,
        },
        'Aucun jalon sur cette période.',
      ),
    );
  }
  for (const box of layout.milestones) {
    const { milestone } = box;
    const status = milestone.status ?? 'a_venir';
    const owner =
      milestone.owner === undefined ? '' : ` — ${input.lanes.find((lane) => lane.id === milestone.owner)!.name}`;
    const text =
      `${clean(milestone.title)} : ${frenchSpan(milestone.date, milestone.endDate ?? milestone.date)}${owner} ` +
      `(${MILESTONE_STATUS_WORDS[status]})`;
    out.push(
      `<g class="milestone" data-date="${dateKey(milestone.date)}" ` +
        `data-row="${box.row}" data-status="${status}">${tooltip(text)}`,
    );
    const paint: Attributes =
      status === 'fait'
        ? { fill: box.colour }
        : status === 'reporte'
          ? { fill: '#FFFFFF', stroke: box.colour, 'stroke-width': 1.5, 'stroke-dasharray': '3 2' }
          : { fill: box.colour, 'fill-opacity': 0.35, stroke: box.colour, 'stroke-width': 1 };
    const markerY = box.y + 10;
    if (box.isPeriod) {
      out.push(
        element('rect', {
          x: box.markerLeft,
          y: markerY - 4,
          width: Math.max(box.markerRight - box.markerLeft, 2),
          height: 8,
          rx: 3,
          ...paint,
        }),
      );
    } else {
      const cx = round((box.markerLeft + box.markerRight) / 2);
      out.push(element('path', { d: `M${cx} ${round(markerY - 6)}l6 6-6 6-6-6z`, ...paint }));
    }
    out.push(
      textLines(box.lines, box.labelLeft, box.y + 28, LABEL_LINE, { 'font-size': LABEL_SIZE, fill: TEXT_COLOUR }),
    );
    out.push('</g>');
  }
  out.push('</g>');

  out.push('<g class="meetings">');
  for (const mark of layout.meetings) {
    const { meeting } = mark;
    const cancelled = meeting.status === 'annulee';
    const laneName = input.lanes.find((lane) => lane.id === meeting.lane)!.name;
    const text =
      `${clean(meeting.title)} — ${laneName}, ${formatFrenchDate(meeting.date)} ` +
      `(${MEETING_STATUS_WORDS[meeting.status]})`;
    out.push(
      `<g class="meeting" data-lane="${escapeXml(meeting.lane)}" ` +
        `data-date="${dateKey(meeting.date)}" data-status="${meeting.status}">${tooltip(text)}`,
    );
    if (cancelled) out.push(cancelledMark(mark.x, mark.y));
    else if (meeting.status === 'planifiee')
      out.push(
        element('circle', { cx: mark.x, cy: mark.y, r: 4, fill: '#FFFFFF', stroke: mark.colour, 'stroke-width': 2 }),
      );
    else out.push(element('circle', { cx: mark.x, cy: mark.y, r: 5, fill: mark.colour }));
    if (mark.dayLabel) {
      out.push(
        element(
          'text',
          {
            x: mark.x,
            y: mark.y + 18,
            'font-size': 9,
            'text-anchor': 'middle',
            fill: cancelled ? CANCELLED_COLOUR : MUTED_COLOUR,
            'text-decoration': cancelled ? 'line-through' : undefined,
          },
          String(meeting.date.day),
        ),
      );
    }
    out.push('</g>');
  }
  out.push('</g>');

  out.push('<g class="legend">');
  for (const item of legendItems(layout).items) {
    const y = layout.legendTop + item.row * LEGEND_ROW + 14;
    out.push(item.draw(item.x, y));
    out.push(
      element('text', { x: item.x + 20, y, 'font-size': LEGEND_SIZE, fill: TEXT_COLOUR }, escapeXml(item.label)),
    );
  }
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
