import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import {
  CALENDAR_TAIL,
  calendarEvent,
  calendarHead,
  meetingIcs,
  type MeetingIcsInput,
} from '../../documents/ics/meeting-ics.js';
import { PYTHON_ICALENDAR_DIR, PYTHON_ICALENDAR_VERSION } from '../../scripts/install-python-icalendar.js';

// Two readers of different families, JavaScript's ical.js and Python's icalendar (installed by postinstall:
// scripts/install-python-icalendar.ts), must read the same events from a feed as served (its head, each
// event, its tail) and from an invitation: UID, start and end with their TZID, SUMMARY, DESCRIPTION,
// LOCATION, SEQUENCE, STATUS, each ATTENDEE's PARTSTAT, and RRULE (Concerto writes none: both must say so).

interface ReadEvent {
  uid: string;
  start: string;
  end: string;
  tzid: string | null;
  summary: string;
  description: string;
  location: string | null;
  sequence: number;
  status: string;
  attendees: Array<[string, string]>;
  rrule: string | null;
}

const PYTHON_READER = `
import json, sys, datetime
import icalendar
calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
def utc(value):
    return value.dt.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')
events = []
for event in calendar.walk('VEVENT'):
    attendees = event.get('ATTENDEE', [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    rrule = event.get('RRULE')
    events.append({
        'uid': str(event['UID']),
        'start': utc(event['DTSTART']),
        'end': utc(event['DTEND']),
        'tzid': event['DTSTART'].params.get('TZID'),
        'summary': str(event['SUMMARY']),
        'description': str(event['DESCRIPTION']),
        'location': str(event['LOCATION']) if 'LOCATION' in event else None,
        'sequence': int(event['SEQUENCE']),
        'status': str(event['STATUS']),
        'attendees': [[str(a).lower().removeprefix('mailto:'), a.params.get('PARTSTAT')] for a in attendees],
        'rrule': rrule.to_ical().decode() if rrule else None,
    })
print(json.dumps({'version': icalendar.__version__, 'events': events}))
`;

function readWithPython(ics: string): ReadEvent[] {
  const run = spawnSync('python3', ['-c', PYTHON_READER], {
    input: ics,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: PYTHON_ICALENDAR_DIR },
  });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}): ${run.stderr}`);
  const read = JSON.parse(run.stdout) as { version: string; events: ReadEvent[] };
  expect(read.version).toBe(PYTHON_ICALENDAR_VERSION);
  return read.events;
}

function readWithIcalJs(ics: string): ReadEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const utc = (event: ICAL.Component, name: string) =>
    (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
  return calendar.getAllSubcomponents('vevent').map((event) => ({
    uid: String(event.getFirstPropertyValue('uid')),
    start: utc(event, 'dtstart'),
    end: utc(event, 'dtend'),
    tzid: (event.getFirstProperty('dtstart')!.getParameter('tzid') as string | undefined) ?? null,
    summary: String(event.getFirstPropertyValue('summary')),
    description: String(event.getFirstPropertyValue('description')),
    location: (event.getFirstPropertyValue('location') as string | null) ?? null,
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: String(event.getFirstPropertyValue('status')),
    attendees: event.getAllProperties('attendee').map((a) => [
      String(a.getFirstValue())
        .toLowerCase()
        .replace(/^mailto:/, ''),
      String(a.getParameter('partstat')),
    ]),
    rrule: event.getFirstPropertyValue('rrule')?.toString() ?? null,
  }));
}

const ORGANIZER = { name: 'Secrétariat — Comité technique (COTECH)', email: 'secretariat.ctg@example.org' };

/** Meetings whose text needs escaping and folding: accents, an emoji, `,;\`, line breaks, long lines. */
const MEETINGS: MeetingIcsInput[] = [
  {
    method: 'REQUEST',
    uid: 'meeting-cotech-2026-06@concerto',
    sequence: 2,
    dtstamp: new Date('2026-05-27T07:45:00Z'),
    title: 'COTECH — 18 juin 2026 : « Ludothèque » 🎲, budget; échéancier\\suite',
    startsAt: new Date('2026-06-18T12:00:00Z'),
    endsAt: new Date('2026-06-18T15:30:00Z'),
    zone: 'Europe/Paris',
    location: 'Salle du conseil, Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
    visioUrl: 'https://visio.example.org/cotech-juin?pwd=a1b2;lang=fr',
    instanceName: 'Comité technique (COTECH)',
    organizer: ORGANIZER,
    attendees: [
      {
        name: 'Directrice de l’éducation',
        email: 'directrice.education@example.org',
        role: 'CHAIR',
        partstat: 'ACCEPTED',
      },
      { name: 'Référent MSA', email: 'referent@msa.example.org', role: 'REQ-PARTICIPANT', partstat: 'TENTATIVE' },
      { name: 'Élu « enfance »', email: 'elu.enfance@example.org', role: 'OPT-PARTICIPANT', partstat: 'DECLINED' },
    ],
    agenda: [
      { position: 1, title: 'Fiche 2.3 « Accueil du jeune enfant » : avis du COTECH sur la version 2, '.repeat(3) },
      { position: 2, title: 'Questions diverses\nsur deux lignes' },
    ],
  },
  {
    method: 'REQUEST',
    uid: 'meeting-copil-2026-12@concerto',
    sequence: 0,
    dtstamp: new Date('2026-11-02T09:00:00Z'),
    title: 'COPIL — décembre',
    startsAt: new Date('2026-12-08T08:30:00Z'),
    endsAt: new Date('2026-12-08T10:00:00Z'),
    zone: 'Europe/Paris',
    instanceName: 'Comité de pilotage (COPIL)',
    organizer: ORGANIZER,
    attendees: [{ name: 'Président', email: 'president@example.org', role: 'CHAIR', partstat: 'NEEDS-ACTION' }],
    agenda: [],
  },
  {
    method: 'CANCEL',
    status: 'CANCELLED',
    uid: 'meeting-gtt-2026-09@concerto',
    sequence: 3,
    dtstamp: new Date('2026-09-01T10:00:00Z'),
    title: 'GTT 1, annulé',
    startsAt: new Date('2026-09-10T22:30:00Z'),
    endsAt: new Date('2026-09-11T01:00:00Z'),
    zone: 'America/Cayenne',
    instanceName: 'GTT 1 « Petite enfance »',
    organizer: ORGANIZER,
    attendees: [],
    agenda: [],
  },
];

describe('Python icalendar and ical.js read the same events', () => {
  it(`is installed where postinstall puts it (icalendar ${PYTHON_ICALENDAR_VERSION})`, () => {
    expect(existsSync(PYTHON_ICALENDAR_DIR), 'run `npm ci` (or scripts/install-python-icalendar.ts)').toBe(true);
  });

  it('from a feed as it is served: head, events, tail', () => {
    // As server/routes/feeds.ts streams it: PUBLISH, no attendees.
    const events = MEETINGS.map((m) => ({ ...m, attendees: [], alarmMinutesBefore: null }));
    const zones = [...new Set(events.map((event) => event.zone))];
    const feed =
      calendarHead({ name: 'Réunions — CTG, 2026; test', zone: 'Europe/Paris', method: 'PUBLISH' }, zones) +
      events.map((event) => calendarEvent(event)).join('') +
      CALENDAR_TAIL;
    const byIcalJs = readWithIcalJs(feed);
    expect(readWithPython(feed)).toEqual(byIcalJs);
    expect(byIcalJs.map((e) => [e.uid, e.start, e.tzid, e.sequence, e.status, e.rrule])).toEqual(
      events.map((e) => [e.uid, e.startsAt.toISOString(), e.zone, e.sequence, e.status ?? 'CONFIRMED', null]),
    );
    expect(byIcalJs[0]!.summary).toBe(MEETINGS[0]!.title);
  });

  it('from an invitation, with each attendee’s PARTSTAT', () => {
    const ics = meetingIcs(MEETINGS[0]!);
    const byIcalJs = readWithIcalJs(ics);
    expect(readWithPython(ics)).toEqual(byIcalJs);
    expect(byIcalJs[0]!.attendees).toEqual([
      ['directrice.education@example.org', 'ACCEPTED'],
      ['referent@msa.example.org', 'TENTATIVE'],
      ['elu.enfance@example.org', 'DECLINED'],
    ]);
  });
});
