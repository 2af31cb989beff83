/**
 * Meeting invitations and feeds (documents/ics/meeting-ics.ts).
 *
 * Golden files in test/fixtures/ics/ pin the exact bytes at fixed timestamps. After a change meant
 * to alter the output, rewrite them and review the diff before committing:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/meeting-ics.test.ts
 *
 * Two independent parsers then read the output field by field: ical.js resolves the hour through
 * the file's own VTIMEZONE, node-ical through its own zone data, so a wrong VTIMEZONE and a wrong
 * local time each show.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { describe, expect, it } from 'vitest';
import {
  calendarIcs,
  icsContentType,
  meetingDescription,
  meetingIcs,
  type MeetingIcsInput,
} from '../../documents/ics/meeting-ics.js';
import { DomainError } from '../../domain/errors.js';

const FIXTURES = new URL('../fixtures/ics/', import.meta.url);

const SUMMER: MeetingIcsInput = {
  method: 'REQUEST',
  uid: 'meeting-cotech-2024-06@concerto',
  sequence: 0,
  dtstamp: new Date('2024-05-27T07:45:00Z'),
  title: 'COTECH — 18 juin 2024',
  startsAt: new Date('2024-06-18T12:00:00Z'),
  endsAt: new Date('2024-06-18T15:00:00Z'),
  zone: 'Europe/Paris',
  location: 'Salle du conseil, Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
  visioUrl: 'https://visio.example.org/cotech-juin?pwd=a1b2;lang=fr',
  instanceName: 'Comité technique (COTECH)',
  organizer: { name: 'Secrétariat de la CTG', email: 'secretariat.ctg@example.org' },
  attendees: [
    {
      name: 'Directrice de l’éducation',
      email: 'directrice.education@example.org',
      role: 'CHAIR',
      partstat: 'ACCEPTED',
    },
    {
      name: 'Chargée de coopération, CAF',
      email: 'cooperation@caf.example.org',
      role: 'REQ-PARTICIPANT',
      partstat: 'NEEDS-ACTION',
    },
    { name: 'Référent MSA', email: 'referent@msa.example.org', role: 'REQ-PARTICIPANT', partstat: 'TENTATIVE' },
    {
      name: 'Élu délégué « enfance-jeunesse »',
      email: 'elu.enfance@example.org',
      role: 'OPT-PARTICIPANT',
      partstat: 'DECLINED',
    },
  ],
  agenda: [
    { position: 2, title: 'Fiche 3.2 « Ludothèque itinérante » : avis du COTECH; budget, calendrier' },
    { position: 1, title: 'Approbation du compte rendu du 12 mars' },
    {
      position: 3,
      title:
        'Présentation du diagnostic partagé « petite enfance, enfance, ' +
        'jeunesse » : état des lieux, priorités et échéancier des fiches à venir',
    },
  ],
};

const WINTER: MeetingIcsInput = {
  ...SUMMER,
  uid: 'meeting-copil-2024-12@concerto',
  dtstamp: new Date('2024-11-18T09:00:00Z'),
  title: 'COPIL — 10 décembre 2024',
  startsAt: new Date('2024-12-10T13:00:00Z'),
  endsAt: new Date('2024-12-10T15:30:00Z'),
  location: 'Salle des fêtes, Chef-Boutonne',
  visioUrl: undefined,
  instanceName: 'Comité de pilotage (COPIL)',
  agenda: [{ position: 1, title: 'Décision sur la fiche 3.2\nVote à main levée' }],
  alarmMinutesBefore: 1440,
};

const RESCHEDULED: MeetingIcsInput = {
  ...SUMMER,
  sequence: 1,
  dtstamp: new Date('2024-06-10T16:20:00Z'),
  title: 'COTECH — 25 juin 2024',
  startsAt: new Date('2024-06-25T07:30:00Z'),
  endsAt: new Date('2024-06-25T10:00:00Z'),
};

const CANCELLED: MeetingIcsInput = {
  ...RESCHEDULED,
  method: 'CANCEL',
  sequence: 2,
  dtstamp: new Date('2024-06-20T08:00:00Z'),
};

const FEED_OPTIONS = { name: 'CTG Mellois en Poitou, réunions; 2024', zone: 'Europe/Paris' };
const FEED_EVENTS = [
  WINTER,
  RESCHEDULED,
  { ...CANCELLED, uid: 'meeting-gtt1-2024-06@concerto', title: 'GTT 1, annulé' },
];

const GOLDEN: Array<{ file: string; build: () => string }> = [
  { file: 'summer-request.ics', build: () => meetingIcs(SUMMER) },
  { file: 'winter-request.ics', build: () => meetingIcs(WINTER) },
  { file: 'reschedule-request.ics', build: () => meetingIcs(RESCHEDULED) },
  { file: 'cancel.ics', build: () => meetingIcs(CANCELLED) },
  { file: 'feed-publish.ics', build: () => calendarIcs(FEED_EVENTS, FEED_OPTIONS) },
];

function readIcalJs(ics: string): { calendar: ICAL.Component; events: ICAL.Component[] } {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { calendar, events: calendar.getAllSubcomponents('vevent') };
}

function onlyEvent(ics: string): { calendar: ICAL.Component; event: ICAL.Component } {
  const { calendar, events } = readIcalJs(ics);
  expect(events).toHaveLength(1);
  return { calendar, event: events[0]! };
}

function readNodeIcal(ics: string): {
  calendar: nodeIcal.VCalendar;
  events: nodeIcal.VEvent[];
  zones: nodeIcal.VTimeZone[];
} {
  const parsed = nodeIcal.sync.parseICS(ics);
  const components = Object.entries(parsed)
    .filter(([key]) => key !== 'vcalendar')
    .map(([, value]) => value);
  return {
    calendar: parsed.vcalendar!,
    events: components.filter((c): c is nodeIcal.VEvent => c?.type === 'VEVENT'),
    zones: components.filter((c): c is nodeIcal.VTimeZone => c?.type === 'VTIMEZONE'),
  };
}

function onlyNodeEvent(ics: string): nodeIcal.VEvent {
  const { events } = readNodeIcal(ics);
  expect(events).toHaveLength(1);
  return events[0]!;
}

function timeOf(component: ICAL.Component, name: string): ICAL.Time {
  return component.getFirstPropertyValue(name) as ICAL.Time;
}

/** node-ical gives a property with parameters as { params, val }. */
function paramsOf<P>(value: nodeIcal.ParameterValue<string, P> | undefined): { params: P; val: string } {
  if (value === undefined || typeof value === 'string') throw new Error(`expected parameters on ${String(value)}`);
  return value;
}

function physicalLines(ics: string): string[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  return ics.slice(0, -2).split('\r\n');
}

describe('golden files', () => {
  for (const { file, build } of GOLDEN) {
    it(`${file} is unchanged`, () => {
      const ics = build();
      const path = new URL(file, FIXTURES);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, ics);
      expect(ics).toBe(readFileSync(path, 'utf8'));
    });
  }
});

describe('the shape of every file', () => {
  for (const { file, build } of GOLDEN) {
    it(`${file}: CRLF after every line, no line over 75 octets, no UTF-8 sequence split`, () => {
      const ics = build();
      expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      for (const line of physicalLines(ics)) {
        expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
        // A line cut inside a surrogate pair would hold a lone surrogate, which UTF-8 cannot encode.
        expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
      }
    });
  }

  it('folds by octets: a line of accented letters is cut sooner than a line of ASCII', () => {
    const accented = meetingIcs({ ...SUMMER, title: 'é'.repeat(60) });
    const summary = accented
      .split('\r\n')
      .filter((line, i, lines) => line.startsWith('SUMMARY:') || lines[i - 1]?.startsWith('SUMMARY:'));
    expect(summary[0]).toBe(`SUMMARY:${'é'.repeat(33)}`); // 8 + 66 = 74 octets: one more é would make 76
    expect(summary[1]).toBe(` ${'é'.repeat(27)}`);
  });

  it('is the same whatever the zone of the machine', () => {
    const saved = process.env.TZ;
    try {
      const outputs = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Paris'].map((zone) => {
        process.env.TZ = zone;
        return [meetingIcs(SUMMER), meetingIcs(WINTER), calendarIcs(FEED_EVENTS, FEED_OPTIONS)].join('');
      });
      for (const output of outputs) expect(output).toBe(outputs[0]);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('read back by ical.js', () => {
  it('summer: 14:00 in Paris is 12:00Z, through the file’s VTIMEZONE', () => {
    const { calendar, event } = onlyEvent(meetingIcs(SUMMER));
    const start = timeOf(event, 'dtstart');
    const end = timeOf(event, 'dtend');
    expect(start.zone?.tzid).toBe('Europe/Paris');
    expect(start.zone?.component).toBe(calendar.getFirstSubcomponent('vtimezone'));
    expect([start.hour, start.minute]).toEqual([14, 0]);
    expect(start.toJSDate().toISOString()).toBe('2024-06-18T12:00:00.000Z');
    expect(end.toJSDate().toISOString()).toBe('2024-06-18T15:00:00.000Z');
  });

  it('winter: 14:00 in Paris is 13:00Z', () => {
    const { event } = onlyEvent(meetingIcs(WINTER));
    const start = timeOf(event, 'dtstart');
    expect([start.hour, start.minute]).toEqual([14, 0]);
    expect(start.toJSDate().toISOString()).toBe('2024-12-10T13:00:00.000Z');
    expect(timeOf(event, 'dtend').toJSDate().toISOString()).toBe('2024-12-10T15:30:00.000Z');
  });

  it('calendar: PRODID, METHOD, and a VTIMEZONE for Europe/Paris with yearly rules', () => {
    const { calendar } = onlyEvent(meetingIcs(SUMMER));
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Concerto//CTG//FR');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const zones = calendar.getAllSubcomponents('vtimezone');
    expect(zones).toHaveLength(1);
    expect(zones[0]!.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
    const rules = Object.fromEntries(
      ['daylight', 'standard'].map((kind) => {
        const part = zones[0]!.getFirstSubcomponent(kind)!;
        const rule = part.getFirstPropertyValue('rrule') as ICAL.Recur;
        return [kind, { rule: rule.toString(), to: String(part.getFirstPropertyValue('tzoffsetto')) }];
      }),
    );
    expect(rules).toEqual({
      daylight: { rule: 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', to: '+02:00' },
      standard: { rule: 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', to: '+01:00' },
    });
  });

  it('event: UID, SEQUENCE, DTSTAMP in UTC, SUMMARY, LOCATION, STATUS', () => {
    const { event } = onlyEvent(meetingIcs(SUMMER));
    expect(event.getFirstPropertyValue('uid')).toBe(SUMMER.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(0);
    const stamp = timeOf(event, 'dtstamp');
    expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
    expect(stamp.toJSDate().toISOString()).toBe('2024-05-27T07:45:00.000Z');
    expect(event.getFirstPropertyValue('summary')).toBe('COTECH — 18 juin 2024');
    expect(event.getFirstPropertyValue('location')).toBe(SUMMER.location);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('organizer and one attendee per member, with CN, ROLE, PARTSTAT, RSVP and CUTYPE', () => {
    const { event } = onlyEvent(meetingIcs(SUMMER));
    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getParameter('cn')).toBe('Secrétariat de la CTG');
    expect(organizer.getFirstValue()).toBe('mailto:secretariat.ctg@example.org');
    const attendees = event.getAllProperties('attendee').map((p) => ({
      name: p.getParameter('cn'),
      email: String(p.getFirstValue()).replace(/^mailto:/i, ''),
      role: p.getParameter('role'),
      partstat: p.getParameter('partstat'),
      rsvp: p.getParameter('rsvp'),
      cutype: p.getParameter('cutype'),
    }));
    expect(attendees).toEqual(SUMMER.attendees.map((a) => ({ ...a, rsvp: 'TRUE', cutype: 'INDIVIDUAL' })));
  });

  it('a DISPLAY alarm 60 minutes before, described in French', () => {
    const { event } = onlyEvent(meetingIcs(SUMMER));
    const alarms = event.getAllSubcomponents('valarm');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect((alarms[0]!.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-3600);
    expect(alarms[0]!.getFirstPropertyValue('description')).toBe('Rappel : COTECH — 18 juin 2024, dans 60 min');
    const winter = onlyEvent(meetingIcs(WINTER)).event.getFirstSubcomponent('valarm')!;
    expect((winter.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-86_400);
  });

  it('the French description: agenda in order, visio link, accents, commas, semicolons, line breaks', () => {
    const { event } = onlyEvent(meetingIcs(SUMMER));
    expect(event.getFirstPropertyValue('description')).toBe(
      [
        'Comité technique (COTECH)',
        'Mardi 18 juin 2024, de 14 h 00 à 17 h 00 (heure de Paris)',
        'Lieu : Salle du conseil, Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
        'Visioconférence : https://visio.example.org/cotech-juin?pwd=a1b2;lang=fr',
        '',
        'Ordre du jour :',
        '1. Approbation du compte rendu du 12 mars',
        '2. Fiche 3.2 « Ludothèque itinérante » : avis du COTECH; budget, calendrier',
        '3. Présentation du diagnostic partagé « petite enfance, enfance, ' +
          'jeunesse » : état des lieux, priorités et échéancier des fiches à venir',
      ].join('\n'),
    );
    expect(onlyEvent(meetingIcs(WINTER)).event.getFirstPropertyValue('description')).toBe(
      [
        'Comité de pilotage (COPIL)',
        'Mardi 10 décembre 2024, de 14 h 00 à 16 h 30 (heure de Paris)',
        'Lieu : Salle des fêtes, Chef-Boutonne',
        '',
        'Ordre du jour :',
        '1. Décision sur la fiche 3.2',
        'Vote à main levée',
      ].join('\n'),
    );
  });

  it('a reschedule keeps the UID, raises SEQUENCE and is a REQUEST to every member', () => {
    const first = onlyEvent(meetingIcs(SUMMER));
    const again = onlyEvent(meetingIcs(RESCHEDULED));
    expect(again.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(again.event.getFirstPropertyValue('uid')).toBe(first.event.getFirstPropertyValue('uid'));
    expect(Number(again.event.getFirstPropertyValue('sequence'))).toBeGreaterThan(
      Number(first.event.getFirstPropertyValue('sequence')),
    );
    expect(timeOf(again.event, 'dtstart').toJSDate().toISOString()).toBe('2024-06-25T07:30:00.000Z');
    expect(timeOf(again.event, 'dtstamp').compare(timeOf(first.event, 'dtstamp'))).toBe(1);
    expect(again.event.getAllProperties('attendee')).toHaveLength(SUMMER.attendees.length);
  });

  it('a cancellation: METHOD CANCEL, STATUS CANCELLED, same UID, higher SEQUENCE, no alarm, no reply asked', () => {
    const { calendar, event } = onlyEvent(meetingIcs(CANCELLED));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('uid')).toBe(SUMMER.uid);
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect(event.getAllSubcomponents('valarm')).toHaveLength(0);
    const attendees = event.getAllProperties('attendee');
    expect(attendees).toHaveLength(SUMMER.attendees.length);
    for (const attendee of attendees) expect(attendee.getParameter('rsvp')).toBe('FALSE');
    expect(String(event.getFirstPropertyValue('description'))).toMatch(
      /^Réunion annulée\.\n\nComité technique \(COTECH\)\nMardi 25 juin 2024, de 09 h 30 à 12 h 00/,
    );
  });

  it('the feed: METHOD PUBLISH, its name, X-WR-TIMEZONE among the calendar’s properties, no attendees', () => {
    const ics = calendarIcs(FEED_EVENTS, FEED_OPTIONS);
    const { calendar, events } = readIcalJs(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    // ical.js knows neither NAME nor X-WR-CALNAME and gives them as written, escaped.
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('CTG Mellois en Poitou\\, réunions\\; 2024');
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Paris');
    expect(ics.indexOf('X-WR-TIMEZONE:')).toBeLessThan(ics.indexOf('BEGIN:VTIMEZONE'));
    expect(events.map((e) => [e.getFirstPropertyValue('uid'), e.getFirstPropertyValue('status')])).toEqual([
      [WINTER.uid, 'CONFIRMED'],
      [SUMMER.uid, 'CONFIRMED'],
      ['meeting-gtt1-2024-06@concerto', 'CANCELLED'],
    ]);
    for (const event of events) expect(event.getAllProperties('attendee')).toHaveLength(0);
    expect(events[0]!.getFirstProperty('organizer')!.getParameter('cn')).toBe('Secrétariat de la CTG');
    expect(timeOf(events[0]!, 'dtstart').toJSDate().toISOString()).toBe('2024-12-10T13:00:00.000Z');
    expect(timeOf(events[1]!, 'dtstart').toJSDate().toISOString()).toBe('2024-06-25T07:30:00.000Z');
  });
});

describe('read back by node-ical', () => {
  it('summer and winter hours, in UTC and in Paris', () => {
    const summer = onlyNodeEvent(meetingIcs(SUMMER));
    expect(summer.start.toISOString()).toBe('2024-06-18T12:00:00.000Z');
    expect(summer.start.tz).toBe('Europe/Paris');
    expect(summer.end!.toISOString()).toBe('2024-06-18T15:00:00.000Z');
    const winter = onlyNodeEvent(meetingIcs(WINTER));
    expect(winter.start.toISOString()).toBe('2024-12-10T13:00:00.000Z');
    expect(winter.end!.toISOString()).toBe('2024-12-10T15:30:00.000Z');
  });

  it('calendar: PRODID, METHOD, VTIMEZONE with its two yearly rules', () => {
    const { calendar, zones } = readNodeIcal(meetingIcs(SUMMER));
    expect(calendar.prodid).toBe('-//Concerto//CTG//FR');
    expect(calendar.method).toBe('REQUEST');
    expect(zones).toHaveLength(1);
    expect(zones[0]!.tzid).toBe('Europe/Paris');
    const rules = Object.values(zones[0]!)
      .filter((v): v is nodeIcal.TimeZoneDef => typeof v === 'object' && v !== null && 'rrule' in v)
      .map((v) => [v.type, v.tzoffsetto, v.rrule])
      .sort();
    expect(rules).toEqual([
      ['DAYLIGHT', '+0200', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'],
      ['STANDARD', '+0100', 'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU'],
    ]);
  });

  it('event: UID, SEQUENCE, DTSTAMP in UTC, SUMMARY, LOCATION, STATUS, DESCRIPTION', () => {
    const event = onlyNodeEvent(meetingIcs(SUMMER));
    expect(event.uid).toBe(SUMMER.uid);
    expect(Number(event.sequence)).toBe(0);
    expect(event.dtstamp.toISOString()).toBe('2024-05-27T07:45:00.000Z');
    expect(event.summary).toBe('COTECH — 18 juin 2024');
    expect(event.location).toBe(SUMMER.location);
    expect(event.status).toBe('CONFIRMED');
    expect(event.description).toBe(meetingDescription(SUMMER));
    expect(onlyNodeEvent(meetingIcs(WINTER)).description).toBe(meetingDescription(WINTER));
  });

  it('organizer and attendees, parameter by parameter', () => {
    const event = onlyNodeEvent(meetingIcs(SUMMER));
    const organizer = paramsOf(event.organizer);
    expect(organizer.params.CN).toBe('Secrétariat de la CTG');
    expect(organizer.val).toBe('mailto:secretariat.ctg@example.org');
    const attendees = [event.attendee ?? []].flat().map((a) => {
      const { params, val } = paramsOf(a);
      return {
        name: params.CN,
        email: val.replace(/^mailto:/i, ''),
        role: params.ROLE,
        partstat: params.PARTSTAT,
        rsvp: params.RSVP,
        cutype: params.CUTYPE,
      };
    });
    expect(attendees).toEqual(SUMMER.attendees.map((a) => ({ ...a, rsvp: true, cutype: 'INDIVIDUAL' })));
  });

  it('the alarm, the reschedule and the cancellation', () => {
    const [alarm] = onlyNodeEvent(meetingIcs(SUMMER)).alarms ?? [];
    expect(alarm?.action).toBe('DISPLAY');
    expect(alarm?.trigger).toBe('-PT1H');
    const rescheduled = onlyNodeEvent(meetingIcs(RESCHEDULED));
    expect([rescheduled.uid, Number(rescheduled.sequence), rescheduled.start.toISOString()]).toEqual([
      SUMMER.uid,
      1,
      '2024-06-25T07:30:00.000Z',
    ]);
    const { calendar, events } = readNodeIcal(meetingIcs(CANCELLED));
    expect(calendar.method).toBe('CANCEL');
    expect([events[0]!.uid, Number(events[0]!.sequence), events[0]!.status, events[0]!.alarms]).toEqual([
      SUMMER.uid,
      2,
      'CANCELLED',
      undefined,
    ]);
  });

  it('the feed: its name unescaped, its zone, three events and no attendee', () => {
    const { calendar, events } = readNodeIcal(calendarIcs(FEED_EVENTS, FEED_OPTIONS));
    expect(calendar.method).toBe('PUBLISH');
    expect(calendar['WR-CALNAME']).toBe(FEED_OPTIONS.name);
    expect(calendar['WR-TIMEZONE']).toBe('Europe/Paris');
    expect(events.map((e) => [e.uid, e.start.toISOString(), e.status, e.attendee])).toEqual([
      [WINTER.uid, '2024-12-10T13:00:00.000Z', 'CONFIRMED', undefined],
      [SUMMER.uid, '2024-06-25T07:30:00.000Z', 'CONFIRMED', undefined],
      ['meeting-gtt1-2024-06@concerto', '2024-06-25T07:30:00.000Z', 'CANCELLED', undefined],
    ]);
  });
});

describe('the raw text', () => {
  it('DTSTAMP is UTC with a Z; start and end name their zone', () => {
    const ics = meetingIcs(WINTER);
    expect(ics).toContain('\r\nDTSTAMP:20241118T090000Z\r\n');
    expect(ics).toContain('\r\nDTSTART;TZID=Europe/Paris:20241210T140000\r\n');
    expect(ics).toContain('\r\nDTEND;TZID=Europe/Paris:20241210T163000\r\n');
  });

  it('escapes text values and keeps the MIME method equal to METHOD', () => {
    const ics = meetingIcs({ ...SUMMER, title: 'Bilan, suite; a\\b', agenda: [] });
    expect(ics).toContain('\r\nSUMMARY:Bilan\\, suite\\; a\\\\b\r\n');
    for (const input of [SUMMER, CANCELLED]) {
      const method = /\r\nMETHOD:(\w+)\r\n/.exec(meetingIcs(input))?.[1];
      expect(icsContentType(input.method)).toBe(`text/calendar; charset=UTF-8; method=${method}`);
    }
  });

  it('writes names safely inside quoted parameters', () => {
    const ics = meetingIcs({
      ...SUMMER,
      organizer: { name: 'Le "secrétariat"\\CTG', email: 'secretariat.ctg@example.org' },
      attendees: [
        { name: 'Dupont; Marie\nCAF', email: 'marie@example.org', role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION' },
      ],
    });
    const names = [
      onlyEvent(ics).event.getFirstProperty('organizer')!.getParameter('cn'),
      onlyEvent(ics).event.getFirstProperty('attendee')!.getParameter('cn'),
      paramsOf(onlyNodeEvent(ics).organizer).params.CN,
      paramsOf([onlyNodeEvent(ics).attendee].flat()[0]).params.CN,
    ];
    expect(names).toEqual(["Le 'secrétariat'/CTG", 'Dupont, Marie CAF', "Le 'secrétariat'/CTG", 'Dupont, Marie CAF']);
  });

  it('refuses a malformed input, naming the field', () => {
    const cases: Array<[Partial<MeetingIcsInput>, string]> = [
      [{ uid: 'meeting 1' }, 'uid'],
      [{ sequence: -1 }, 'sequence'],
      [{ endsAt: SUMMER.startsAt }, 'endsAt'],
      [{ zone: 'Europe/Pariss' }, 'zone'],
      [{ dtstamp: new Date('not a date') }, 'dtstamp'],
      [{ attendees: [{ ...SUMMER.attendees[0]!, email: 'personne' }] }, 'attendees.0.email'],
    ];
    for (const [change, field] of cases) {
      const error = (() => {
        try {
          meetingIcs({ ...SUMMER, ...change });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).field).toBe(field);
    }
    expect(() => calendarIcs([SUMMER, { ...WINTER, sequence: 0.5 }], FEED_OPTIONS)).toThrow(
      expect.objectContaining({ field: 'events.1.sequence' }),
    );
  });
});

describe('arbitrary French text survives the round trip through ical.js', () => {
  const letters = [...'aeiouyzAÉÈÊÀÂÇÎÏÔÙÛÜŒœæçéèêëàâîïôùûü «»—–’\'",;:\\/.!?()&€0123456789\n📅'];
  const frenchText = fc
    .string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 120 })
    .filter((s) => s.trim() !== '');

  it('titles, places, agenda items and the description come back as given', () => {
    fc.assert(
      fc.property(frenchText, frenchText, fc.array(frenchText, { maxLength: 5 }), (title, location, items) => {
        const input: MeetingIcsInput = {
          ...SUMMER,
          title,
          location,
          agenda: items.map((t, i) => ({ position: i + 1, title: t })),
        };
        const ics = meetingIcs(input);
        for (const line of physicalLines(ics)) {
          expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
          expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
        }
        const { event } = onlyEvent(ics);
        expect(event.getFirstPropertyValue('summary')).toBe(title);
        expect(event.getFirstPropertyValue('location')).toBe(location);
        expect(event.getFirstPropertyValue('description')).toBe(meetingDescription(input));
        for (const [i, item] of items.entries()) expect(meetingDescription(input)).toContain(`\n${i + 1}. ${item}`);
      }),
      { numRuns: 200 },
    );
  });
});
