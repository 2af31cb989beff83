import {
  DEFAULT_ZONE,
  FRENCH_MONTHS,
  formatFrenchDate,
  isValidDate,
  readLocal,
  type LocalDateTime,
} from './paris-time.js';

/**
 * Reading a date and time people typed, the same for the API, the pages and the CLI: ISO 8601 with
 * its offset (`2027-09-14T14:00:00+02:00`, `…Z`), or without one (`2027-09-14T14:00`,
 * `2027-09-14 14:00`), then read on the clocks of `zone` (Europe/Paris). Calendar-strict: no 30
 * February, no 24:00. A local time the clocks skip (spring forward) or show twice (fall back) is
 * refused with the times that do exist, rather than moved silently.
 */

export type InstantReading = { ok: true; instant: Date } | { ok: false; message: string };

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/i;
const EXAMPLE = 'par exemple 2027-09-14T14:00 (heure de Paris) ou 2027-09-14T14:00:00+02:00';

/** Reads `value`; a refusal is a French sentence naming `field`. */
export function readInstant(value: string, field: string, zone: string = DEFAULT_ZONE): InstantReading {
  const who = `« ${field} »`;
  const match = INSTANT.exec(value.trim());
  if (!match) return refuse(`${who} doit être une date et une heure, ${EXAMPLE}.`);
  const [year, month, day, hour, minute, second = 0] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const fraction = Number(`0.${match[7] ?? '0'}`) * 1000;
  const local: LocalDateTime = { year: year!, month: month!, day: day!, hour: hour!, minute: minute! };
  if (local.month < 1 || local.month > 12) return refuse(`${who} : le mois ${match[2]} n’existe pas (01 à 12).`);
  if (!isValidDate(local)) {
    return refuse(`${who} : le ${local.day} ${FRENCH_MONTHS[local.month - 1]} ${local.year} n’existe pas.`);
  }
  if (local.hour > 23 || local.minute > 59 || second > 59) {
    return refuse(`${who} : ${match[4]}:${match[5]} n’est pas une heure (00:00 à 23:59).`);
  }
  const within = second * 1000 + Math.floor(fraction);
  const offset = match[8];
  if (offset) {
    const minutes = offsetMinutes(offset);
    if (minutes === undefined) return refuse(`${who} : le décalage ${offset} n’existe pas (de -12:00 à +14:00).`);
    const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
    return { ok: true, instant: new Date(wall - minutes * 60_000 + within) };
  }
  const reading = readLocal(local, zone);
  const time = `${pad2(local.hour)}:${pad2(local.minute)}`;
  const where = zone === DEFAULT_ZONE ? 'à Paris' : `dans le fuseau ${zone}`;
  const date = formatFrenchDate(local, { withWeekday: false });
  switch (reading.kind) {
    case 'one':
      return { ok: true, instant: new Date(reading.instant.getTime() + within) };
    case 'gap':
      return refuse(
        `${who} : ${time} n’existe pas le ${date} ${where} (les horloges avancent d’une heure) : choisissez ` +
          `${clock(reading.lastBefore)} ou ${clock(reading.firstAfter)}.`,
      );
    case 'twice': {
      const [first, second] = reading.offsetsMinutes.map((minutes) => `${value.trim()}${formatOffset(minutes)}`);
      return refuse(
        `${who} : ${time} a lieu deux fois le ${date} ${where} (les horloges reculent d’une heure) : précisez le ` +
          `décalage, ${first!} (la première fois) ou ${second!} (la seconde).`,
      );
    }
  }
}

function refuse(message: string): InstantReading {
  return { ok: false, message };
}

/** `+02:00` → 120, `Z` → 0; undefined beyond the offsets zones use. */
function offsetMinutes(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number) as [number, number];
  const total = sign * (hours * 60 + minutes);
  return minutes > 59 || total < -12 * 60 || total > 14 * 60 ? undefined : total;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(absolute / 60))}:${pad2(absolute % 60)}`;
}

function clock(local: LocalDateTime): string {
  return `${pad2(local.hour)}:${pad2(local.minute)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
