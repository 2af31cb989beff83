import os from 'node:os';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAlarmType, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import {
  CALENDAR_TAIL,
  calendarHead,
  calendarIcs,
  meetingDescription,
  PRODID,
  type MeetingIcsInput,
} from '../documents/ics/meeting-ics.js';
import { FeedEventCache } from '../server/feed-event-cache.js';

// `npm run bench:ics`: a calendar of 10,000 meetings serialised by calendarIcs (input checks,
// text cleaning, the VTIMEZONE, X-WR-TIMEZONE and the closing CRLF) against the same fields handed
// straight to ical-generator, with no checks and no post-processing. Both get the same description
// text, so their VTIMEZONE and VEVENTs are the same bytes (checked); only the calendar's name
// (escaped by calendarIcs), X-WR-TIMEZONE and the last CRLF differ.
// A third contender is the feed as served warm (server/routes/feeds.ts): its head, then each event's
// text from the per-event cache, filled beforehand.
// They are alternated, in turn first, over a few rounds. Wall time moves with the machine's
// load, CPU time less. Memory is read after a forced GC (run with --expose-gc, as the npm script
// does) and right after serialising: heapUsed grows by the output and by garbage not yet collected.

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ZONE = 'Europe/Paris';
const NAME = 'CTG Mellois en Poitou, réunions';

const INSTANCES = [
  'Comité technique (COTECH)',
  'Comité de pilotage (COPIL)',
  'Groupe de travail thématique 1 (GTT)',
  'Bureau communautaire',
];

function meetings(count: number): MeetingIcsInput[] {
  const first = Date.UTC(2024, 0, 8, 13, 0);
  return Array.from({ length: count }, (_, i) => {
    const startsAt = new Date(first + i * 7 * 3_600_000);
    return {
      method: i % 50 === 49 ? 'CANCEL' : 'REQUEST',
      uid: `meeting-${i}@concerto`,
      sequence: i % 3,
      dtstamp: new Date(Date.UTC(2023, 11, 1, 8, 0) + i * 60_000),
      title: `${INSTANCES[i % INSTANCES.length]!.split(' (')[0]} — réunion n° ${i}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2.5 * 3_600_000),
      zone: ZONE,
      location: `Salle du conseil, Maison de l’intercommunalité; ${1 + (i % 40)} place de la Poste, Melle`,
      visioUrl: `https://visio.example.org/reunion-${i}?pwd=a${i};lang=fr`,
      instanceName: INSTANCES[i % INSTANCES.length]!,
      organizer: { name: 'Secrétariat de la CTG', email: 'secretariat.ctg@example.org' },
      attendees: [],
      agenda: Array.from({ length: 1 + (i % 5) }, (_, k) => ({
        position: k + 1,
        title: `Fiche ${k + 1}.${i % 9} « Ludothèque itinérante » : avis, budget; échéancier`,
      })),
    } satisfies MeetingIcsInput;
  });
}

/** The baseline: written out here on purpose, not shared with documents/ics/meeting-ics.ts. */
function rawIcalGenerator(events: readonly MeetingIcsInput[]): string {
  const calendar = ical({ prodId: PRODID, method: ICalCalendarMethod.PUBLISH, name: NAME });
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  for (const e of events) {
    const cancelled = e.method === 'CANCEL';
    const event = calendar.createEvent({
      id: e.uid,
      sequence: e.sequence,
      stamp: e.dtstamp,
      start: DateTime.fromJSDate(e.startsAt, { zone: e.zone }),
      end: DateTime.fromJSDate(e.endsAt, { zone: e.zone }),
      timezone: e.zone,
      summary: e.title,
      description: meetingDescription(e),
      location: e.location ?? null,
      organizer: e.organizer,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (!cancelled)
      event.createAlarm({
        type: ICalAlarmType.display,
        trigger: 3600,
        description: `Rappel : ${e.title}, dans 60 min`,
      });
  }
  return calendar.toString();
}

const cache = new FeedEventCache(EVENTS);

const CONTENDERS = {
  calendarIcs: (events: readonly MeetingIcsInput[]) => calendarIcs(events, { name: NAME, zone: ZONE }),
  'raw ical-generator': rawIcalGenerator,
  'cached events': (events: readonly MeetingIcsInput[]) =>
    calendarHead({ name: NAME, zone: ZONE }, [ZONE]) + events.map((e) => cache.text(e)).join('') + CALENDAR_TAIL,
} as const;
type Contender = keyof typeof CONTENDERS;

interface Run {
  ms: number;
  cpuMs: number;
  heapMb: number;
  rssMb: number;
  outputMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.warn('no --expose-gc: memory figures include garbage of earlier runs');
const MB = 1024 * 1024;

function measure(name: Contender, events: readonly MeetingIcsInput[]): Run {
  gc?.();
  const before = process.memoryUsage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const output = CONTENDERS[name](events);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const after = process.memoryUsage();
  return {
    ms,
    cpuMs: (user + system) / 1000,
    heapMb: (after.heapUsed - before.heapUsed) / MB,
    rssMb: (after.rss - before.rss) / MB,
    outputMb: Buffer.byteLength(output, 'utf8') / MB,
  };
}

const events = meetings(EVENTS);
const ours = calendarIcs(events, { name: NAME, zone: ZONE });
const raw = rawIcalGenerator(events);
const components = (ics: string) => ics.slice(ics.indexOf('BEGIN:VTIMEZONE'), ics.lastIndexOf('END:VEVENT'));
console.log(`same VTIMEZONE and VEVENTs, byte for byte: ${components(ours) === components(raw) ? 'yes' : 'NO'}`);
console.log(`cached events give calendarIcs's bytes: ${CONTENDERS['cached events'](events) === ours ? 'yes' : 'NO'}`);
for (const name of Object.keys(CONTENDERS) as Contender[]) measure(name, events.slice(0, 1000)); // warm-up

const runs = new Map<Contender, Run[]>(Object.keys(CONTENDERS).map((name) => [name as Contender, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  const order = Object.keys(CONTENDERS) as Contender[];
  if (round % 2 === 1) order.reverse();
  for (const name of order) {
    const run = measure(name, events);
    runs.get(name)!.push(run);
    console.log(
      `round ${round + 1}: ${name.padEnd(18)} ${run.ms.toFixed(0).padStart(6)} ` +
        `ms (cpu ${run.cpuMs.toFixed(0).padStart(6)} ms)  ` +
        `${Math.round(EVENTS / (run.ms / 1000))
          .toLocaleString('en-US')
          .padStart(7)} events/s  ` +
        `heap +${run.heapMb.toFixed(0)} MB  rss +${run.rssMb.toFixed(0)} MB`,
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
}
console.log(
  `\n${EVENTS.toLocaleString('en-US')} events, ` +
    `${runs.get('calendarIcs')![0]!.outputMb.toFixed(1)} MB of iCalendar, ${ROUNDS} rounds, ` +
    `${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)}), Node ${process.version}:`,
);
for (const [name, list] of runs) {
  const ms = list.map((r) => r.ms);
  console.log(
    `  ${name.padEnd(18)} median ${median(ms).toFixed(0)} ms ` +
      `(${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)}), ` +
      `cpu ${median(list.map((r) => r.cpuMs)).toFixed(0)} ms, ` +
      `${Math.round(EVENTS / (median(ms) / 1000)).toLocaleString('en-US')} events/s, ` +
      `heap +${median(list.map((r) => r.heapMb)).toFixed(0)} MB, rss ` +
      `+${median(list.map((r) => r.rssMb)).toFixed(0)} MB (medians)`,
  );
}
