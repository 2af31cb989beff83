/**
 * Calendar feeds (server/routes/feeds.ts, store/meetings/meeting-feed.ts): a convention with meetings in two
 * instances, one cancelled, one older than the feeds' year, and a second convention, read through
 * the HTTP app. Every feed is parsed by ical.js and by node-ical, field by field.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Meeting } from '../../generated/prisma/client.js';
import type { Database } from '../../store/database/open-database.js';
import { rsvpLinks, signLink } from '../../infra/links/signed-links.js';
import { FEED_LINK_YEARS, conventionFeedUrl, feedSubscriptionAddresses } from '../../infra/links/feed-urls.js';
import { tokenFor } from '../helpers/auth.js';
import { createTestConvention } from '../helpers/convention.js';
import { DATABASE_KINDS, openTestDatabase } from '../helpers/database.js';
import { devServerEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';

const SECRET = 'meeting-feeds-test-secret-0123456789-abcdefghij';
const PUBLIC_URL = 'https://concerto.example.org';
const ORGANIZER = 'concerto@example.org';
/** The feeds' clock: they hold the meetings ending from 2025-12-01 09:00Z on. */
const NOW = new Date('2026-12-01T09:00:00Z');

/** Path and query of an address, as a calendar application requests it from the app. */
const pathOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

/** What the two parsers read of one VEVENT, in the same shape. */
interface ReadEvent {
  uid: string;
  sequence: number;
  dtstamp: string;
  start: string;
  end: string;
  tzid: string;
  summary: string;
  location: string | null;
  status: string;
  description: string;
  organizer: { cn: string; address: string };
  attendees: number;
  alarms: number;
}

interface ReadCalendar {
  method: string;
  name: string;
  zone: string;
  events: ReadEvent[];
}

function readIcalJs(ics: string): ReadCalendar {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const time = (event: ICAL.Component, name: string) =>
    (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    // ical.js gives unknown properties as written, escaped: the names here have nothing to escape.
    name: String(calendar.getFirstPropertyValue('x-wr-calname')),
    zone: String(calendar.getFirstPropertyValue('x-wr-timezone')),
    events: calendar.getAllSubcomponents('vevent').map((event) => {
      const organizer = event.getFirstProperty('organizer')!;
      expect(event.getFirstProperty('dtend')!.getParameter('tzid')).toBe(
        event.getFirstProperty('dtstart')!.getParameter('tzid'),
      );
      return {
        uid: String(event.getFirstPropertyValue('uid')),
        sequence: Number(event.getFirstPropertyValue('sequence')),
        dtstamp: time(event, 'dtstamp'),
        start: time(event, 'dtstart'),
        end: time(event, 'dtend'),
        tzid: String(event.getFirstProperty('dtstart')!.getParameter('tzid')),
        summary: String(event.getFirstPropertyValue('summary')),
        location: (event.getFirstPropertyValue('location') as string | null) ?? null,
        status: String(event.getFirstPropertyValue('status')),
        description: String(event.getFirstPropertyValue('description')),
        organizer: {
          cn: String(organizer.getParameter('cn')),
          address: String(organizer.getFirstValue()).replace(/^mailto:/i, ''),
        },
        attendees: event.getAllProperties('attendee').length,
        alarms: event.getAllSubcomponents('valarm').length,
      };
    }),
  };
}

function readNodeIcal(ics: string): ReadCalendar {
  const parsed = nodeIcal.sync.parseICS(ics);
  const calendar = parsed.vcalendar!;
  const events = Object.entries(parsed)
    .filter(([key]) => key !== 'vcalendar')
    .map(([, value]) => value)
    .filter((c): c is nodeIcal.VEvent => c?.type === 'VEVENT');
  return {
    method: String(calendar.method),
    name: String(calendar['WR-CALNAME']),
    zone: String(calendar['WR-TIMEZONE']),
    events: events.map((event) => {
      const organizer = event.organizer;
      if (organizer === undefined || typeof organizer === 'string') throw new Error('organizer without parameters');
      return {
        uid: event.uid,
        sequence: Number(event.sequence),
        dtstamp: event.dtstamp.toISOString(),
        start: event.start.toISOString(),
        end: event.end!.toISOString(),
        tzid: String(event.start.tz),
        summary: String(event.summary),
        location: event.location ? String(event.location) : null,
        status: String(event.status),
        description: String(event.description),
        organizer: { cn: String(organizer.params.CN), address: organizer.val.replace(/^mailto:/i, '') },
        attendees: [event.attendee ?? []].flat().length,
        alarms: (event.alarms ?? []).length,
      };
    }),
  };
}

/** Both parsers, which must agree on every field; ical.js's reading is returned. */
function readFeed(ics: string): ReadCalendar {
  const byIcalJs = readIcalJs(ics);
  expect(readNodeIcal(ics)).toEqual(byIcalJs);
  return byIcalJs;
}

/** DTSTAMP is written to the second. */
const toSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();

describe.each(DATABASE_KINDS)('calendar feeds (%s)', (kind) => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  let convention: { id: string; slug: string; name: string };
  let other: { id: string; slug: string };
  const meetings: Record<
    'cotechOld' | 'cotechPast' | 'cotechNext' | 'gttCancelled' | 'gttSummer' | 'otherCopil',
    Meeting
  > = {} as never;
  const people = { secretaire: '', animatrice: '', outsider: '' };

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: pathOf(url), headers });
  const conventionUrl = (email: string, instanceSlug?: string) =>
    conventionFeedUrl({
      publicUrl: PUBLIC_URL,
      secret: SECRET,
      convention,
      email,
      ...(instanceSlug ? { instanceSlug } : {}),
      now: NOW,
    });
  /** The feed subscriptions of the person of that address, as « Mes agendas » lists them. */
  const feedsOf = async (email: string) =>
    createStore(db.prisma).feeds.list((await db.prisma.person.findUniqueOrThrow({ where: { email } })).id);
  const addressOf = (subscription: Parameters<typeof feedSubscriptionAddresses>[2]) =>
    feedSubscriptionAddresses(PUBLIC_URL, SECRET, subscription).https;
  /** The address of the person's own feed. */
  const personUrl = async (email: string) => addressOf((await feedsOf(email)).find((f) => f.kind === 'person')!);
  const uids = (response: LightMyRequestResponse) => readFeed(response.body).events.map((event) => event.uid);

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase(kind);
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue: uniqueTaskQueue('feeds'),
      probes: { temporal: async () => {}, database: () => db.ping() },
      rsvp: { secret: SECRET, publicUrl: PUBLIC_URL, now: () => NOW },
      feeds: { organizerEmail: ORGANIZER, now: () => NOW },
    });

    const prisma = db.prisma;
    convention = await createTestConvention(prisma);
    other = await createTestConvention(prisma);
    const cotech = await prisma.instance.create({
      data: { conventionId: convention.id, slug: 'cotech', kind: 'cotech', name: 'Comité technique (COTECH)' },
    });
    const gtt = await prisma.instance.create({
      data: { conventionId: convention.id, slug: 'gtt-1', kind: 'gtt', name: 'GTT 1 « Petite enfance »' },
    });
    const copil = await prisma.instance.create({
      data: { conventionId: other.id, slug: 'copil', kind: 'copil', name: 'Comité de pilotage (COPIL)' },
    });
    const suffix = convention.slug.slice(-8);
    const seat = async (local: string, instanceId: string) => {
      const email = `${local}-${suffix}@example.org`;
      const person = await prisma.person.upsert({
        where: { email },
        create: { email, displayName: local },
        update: {},
      });
      await prisma.membership.create({ data: { instanceId, personId: person.id, role: 'membre' } });
      return email;
    };
    people.secretaire = await seat('secretaire', cotech.id);
    people.animatrice = await seat('animatrice', gtt.id);
    people.outsider = await seat('outsider', copil.id);

    const meeting = async (
      instance: { id: string; conventionId: string },
      data: Partial<Meeting> & Pick<Meeting, 'title' | 'startsAt' | 'endsAt'>,
      agenda: string[] = [],
    ) => {
      const row = await prisma.meeting.create({
        data: {
          conventionId: instance.conventionId,
          instanceId: instance.id,
          status: 'convoquee',
          icalUid: `${randomUUID()}@concerto`,
          ...data,
        },
      });
      for (const [index, title] of agenda.entries())
        await prisma.agendaItem.create({ data: { meetingId: row.id, position: index + 1, title } });
      return row;
    };
    meetings.cotechOld = await meeting(cotech, {
      title: 'COTECH d’octobre 2025',
      startsAt: new Date('2025-10-14T12:00:00Z'),
      endsAt: new Date('2025-10-14T15:00:00Z'),
      status: 'tenue',
    });
    meetings.cotechPast = await meeting(
      cotech,
      {
        title: 'COTECH de mars',
        startsAt: new Date('2026-03-10T13:00:00Z'),
        endsAt: new Date('2026-03-10T16:00:00Z'),
        status: 'tenue',
        sequence: 1,
        location: 'Salle du conseil, Melle',
      },
      ['Approbation du compte rendu', 'Fiche FA-2026-01 « Ludothèque itinérante » : avis'],
    );
    meetings.cotechNext = await meeting(
      cotech,
      {
        title: 'COTECH de janvier',
        startsAt: new Date('2027-01-12T13:00:00Z'),
        endsAt: new Date('2027-01-12T16:00:00Z'),
        location: 'Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
        visioUrl: 'https://visio.example.org/cotech-janvier',
      },
      ['Bilan 2026, suite'],
    );
    meetings.gttCancelled = await meeting(gtt, {
      title: 'GTT 1 de janvier',
      startsAt: new Date('2027-01-19T09:00:00Z'),
      endsAt: new Date('2027-01-19T11:00:00Z'),
      status: 'annulee',
      sequence: 2,
      cancelReason: 'Salle indisponible',
      location: 'Centre social, Celles-sur-Belle',
    });
    meetings.gttSummer = await meeting(gtt, {
      title: 'GTT 1 de juin',
      startsAt: new Date('2027-06-15T07:30:00Z'),
      endsAt: new Date('2027-06-15T09:30:00Z'),
      status: 'planifiee',
    });
    meetings.otherCopil = await meeting(copil, {
      title: 'COPIL de l’autre convention',
      startsAt: new Date('2027-01-26T13:00:00Z'),
      endsAt: new Date('2027-01-26T15:00:00Z'),
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await env?.teardown();
  });

  it(
    'the convention’s feed: METHOD:PUBLISH, every meeting of its instances within the year, ' +
      'the cancelled one as CANCELLED, field by field',
    async () => {
      const response = await get(conventionUrl(people.secretaire));
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`inline; filename="${convention.slug}.ics"`);
      expect(response.headers['cache-control']).toBe('private, max-age=300');
      expect(response.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');

      const ics = response.body;
      // METHOD belongs to the calendar, once, before the first component.
      expect(ics.match(/\r\nMETHOD:/g)).toHaveLength(1);
      expect(ics.indexOf('\r\nMETHOD:PUBLISH\r\n')).toBeLessThan(ics.indexOf('BEGIN:VTIMEZONE'));
      const feed = readFeed(ics);
      expect(feed.method).toBe('PUBLISH');
      expect(feed.name).toBe(`Réunions — ${convention.name}`);
      expect(feed.zone).toBe('Europe/Paris');

      const rows = await db.prisma.meeting.findMany({ where: { conventionId: convention.id } });
      const stamp = (id: string) => toSecond(rows.find((row) => row.id === id)!.updatedAt);
      const cotechOrganizer = { cn: 'Secrétariat — Comité technique (COTECH)', address: ORGANIZER };
      const gttOrganizer = { cn: 'Secrétariat — GTT 1 « Petite enfance »', address: ORGANIZER };
      const quiet = { tzid: 'Europe/Paris', attendees: 0, alarms: 0 };
      expect(feed.events).toEqual([
        {
          uid: meetings.cotechPast.icalUid,
          sequence: 1,
          dtstamp: stamp(meetings.cotechPast.id),
          start: '2026-03-10T13:00:00.000Z',
          end: '2026-03-10T16:00:00.000Z',
          summary: 'COTECH de mars',
          location: 'Salle du conseil, Melle',
          status: 'CONFIRMED',
          description: [
            'Comité technique (COTECH)',
            'Mardi 10 mars 2026, de 14 h 00 à 17 h 00 (heure de Paris)',
            'Lieu : Salle du conseil, Melle',
            '',
            'Ordre du jour :',
            '1. Approbation du compte rendu',
            '2. Fiche FA-2026-01 « Ludothèque itinérante » : avis',
          ].join('\n'),
          organizer: cotechOrganizer,
          ...quiet,
        },
        {
          uid: meetings.cotechNext.icalUid,
          sequence: 0,
          dtstamp: stamp(meetings.cotechNext.id),
          start: '2027-01-12T13:00:00.000Z',
          end: '2027-01-12T16:00:00.000Z',
          summary: 'COTECH de janvier',
          location: 'Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
          status: 'CONFIRMED',
          description: [
            'Comité technique (COTECH)',
            'Mardi 12 janvier 2027, de 14 h 00 à 17 h 00 (heure de Paris)',
            'Lieu : Maison de l’intercommunalité; 2 place de Strasbourg, Melle',
            'Visioconférence : https://visio.example.org/cotech-janvier',
            '',
            'Ordre du jour :',
            '1. Bilan 2026, suite',
          ].join('\n'),
          organizer: cotechOrganizer,
          ...quiet,
        },
        {
          uid: meetings.gttCancelled.icalUid,
          sequence: 2,
          dtstamp: stamp(meetings.gttCancelled.id),
          start: '2027-01-19T09:00:00.000Z',
          end: '2027-01-19T11:00:00.000Z',
          summary: 'GTT 1 de janvier',
          location: 'Centre social, Celles-sur-Belle',
          status: 'CANCELLED',
          description: [
            'Réunion annulée.',
            '',
            'GTT 1 « Petite enfance »',
            'Mardi 19 janvier 2027, de 10 h 00 à 12 h 00 (heure de Paris)',
            'Lieu : Centre social, Celles-sur-Belle',
          ].join('\n'),
          organizer: gttOrganizer,
          ...quiet,
        },
        {
          uid: meetings.gttSummer.icalUid,
          sequence: 0,
          dtstamp: stamp(meetings.gttSummer.id),
          // Summer time: 09:30 in Paris.
          start: '2027-06-15T07:30:00.000Z',
          end: '2027-06-15T09:30:00.000Z',
          summary: 'GTT 1 de juin',
          location: null,
          status: 'CONFIRMED',
          description: [
            'GTT 1 « Petite enfance »',
            'Mardi 15 juin 2027, de 09 h 30 à 11 h 30 (heure de Paris)',
            '',
            'Ordre du jour :',
            'à venir.',
          ].join('\n'),
          organizer: gttOrganizer,
          ...quiet,
        },
      ]);
      // The raw lines: the cancelled event says so itself, and no address of a member is anywhere.
      expect(ics).toContain('\r\nSTATUS:CANCELLED\r\n');
      expect(ics).toContain('\r\nDTSTART;TZID=Europe/Paris:20270119T100000\r\n');
      expect(ics).not.toContain(people.secretaire);
      expect(ics).not.toContain('ATTENDEE');
    },
  );

  it(
    'each instance’s feed holds that instance’s meetings; ' + 'an unknown instance or convention is a 404 in French',
    async () => {
      const cotech = await get(conventionUrl(people.animatrice, 'cotech'));
      expect(cotech.statusCode, cotech.body).toBe(200);
      expect(cotech.headers['content-disposition']).toBe(`inline; filename="${convention.slug}-cotech.ics"`);
      expect(readFeed(cotech.body).name).toBe(`Comité technique (COTECH) — ${convention.name}`);
      expect(uids(cotech)).toEqual([meetings.cotechPast.icalUid, meetings.cotechNext.icalUid]);

      const gtt = await get(conventionUrl(people.secretaire, 'gtt-1'));
      expect(gtt.statusCode, gtt.body).toBe(200);
      expect(readFeed(gtt.body).events.map((event) => [event.uid, event.status])).toEqual([
        [meetings.gttCancelled.icalUid, 'CANCELLED'],
        [meetings.gttSummer.icalUid, 'CONFIRMED'],
      ]);

      const noInstance = await get(conventionUrl(people.secretaire, 'gtt-9'));
      expect(noInstance.statusCode).toBe(404);
      expect(noInstance.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(noInstance.body).toBe(
        `Calendrier introuvable\n\nAucune instance « gtt-9 » dans la convention « ${convention.slug} ».\n\n` +
          'Vérifiez l’adresse, ou demandez-la de nouveau au secrétariat de la convention.\n',
      );
      const noConvention = await get(
        conventionUrl(people.secretaire).replace(`/${convention.slug}.ics`, '/ctg-inconnue.ics'),
      );
      expect(noConvention.statusCode).toBe(404);
      expect(noConvention.body).toContain('Aucune convention « ctg-inconnue ».');
    },
  );

  it(
    'the same bytes, UIDs and ETag while nothing changes; 304 on If-None-Match; ' +
      'a new ETag once a meeting is rescheduled',
    async () => {
      const url = conventionUrl(people.secretaire, 'cotech');
      const first = await get(url);
      const second = await get(url);
      expect(second.body).toBe(first.body);
      expect(uids(second)).toEqual(uids(first));
      const etag = first.headers['etag'] as string;
      expect(second.headers['etag']).toBe(etag);
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

      for (const header of [etag, `W/${etag}`, `"something-else", ${etag}`, '*']) {
        const unchanged = await get(url, { 'if-none-match': header });
        expect(unchanged.statusCode, header).toBe(304);
        expect(unchanged.body).toBe('');
        expect(unchanged.headers['etag']).toBe(etag);
        expect(unchanged.headers['cache-control']).toBe('private, max-age=300');
      }
      expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);

      // What the meeting workflow writes on a reschedule: new times, SEQUENCE + 1.
      const moved = await db.prisma.meeting.update({
        where: { id: meetings.cotechNext.id },
        data: {
          startsAt: new Date('2027-01-14T08:00:00Z'),
          endsAt: new Date('2027-01-14T11:00:00Z'),
          sequence: { increment: 1 },
        },
      });
      const changed = await get(url, { 'if-none-match': etag });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers['etag']).not.toBe(etag);
      const event = readFeed(changed.body).events.find((e) => e.uid === meetings.cotechNext.icalUid)!;
      expect([event.sequence, event.start, event.dtstamp]).toEqual([
        1,
        '2027-01-14T08:00:00.000Z',
        toSecond(moved.updatedAt),
      ]);
      expect(uids(changed)).toEqual(uids(first));
      // The convention's feed moved with it.
      expect((await get(conventionUrl(people.secretaire), { 'if-none-match': etag })).statusCode).toBe(200);

      // What the meeting's row does not show changes the ETag too: its ordre du jour, its instance's name.
      const before = changed.headers['etag'] as string;
      const item = await db.prisma.agendaItem.create({
        data: { meetingId: meetings.cotechNext.id, position: 90, title: 'Point ajouté au dernier moment' },
      });
      const withItem = await get(url, { 'if-none-match': before });
      expect(withItem.statusCode).toBe(200);
      expect(withItem.body.replace(/\r\n /g, '')).toContain('90. Point ajouté au dernier moment');
      const renamed = await db.prisma.instance.update({
        where: { id: (await db.prisma.meeting.findUniqueOrThrow({ where: { id: moved.id } })).instanceId },
        data: { name: 'Comité technique (COTECH) renommé' },
      });
      const afterRename = await get(url, { 'if-none-match': withItem.headers['etag'] as string });
      expect(afterRename.statusCode).toBe(200);
      expect(afterRename.body.replace(/\r\n /g, '')).toContain('Comité technique (COTECH) renommé');
      await db.prisma.instance.update({ where: { id: renamed.id }, data: { name: 'Comité technique (COTECH)' } });
      expect((await get(url, { 'if-none-match': afterRename.headers['etag'] as string })).statusCode).toBe(200);
      expect((await get(url, { 'if-none-match': withItem.headers['etag'] as string })).statusCode).toBe(304);
      await db.prisma.agendaItem.delete({ where: { id: item.id } });
      expect((await get(url, { 'if-none-match': before })).statusCode).toBe(304);
    },
  );

  it('over a real connection too: 200, then 304 without a body', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `${address}${pathOf(conventionUrl(people.secretaire))}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const body = await first.text();
    expect(readFeed(body).method).toBe('PUBLISH');
    const again = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it(
    'a person’s feed holds the meetings of their own instances, ' + 'in every convention, and follows their seats',
    async () => {
      const own = (await feedsOf(people.secretaire)).find((f) => f.kind === 'person')!;
      const url = addressOf(own);
      expect(url).toMatch(/^https:\/\/concerto\.example\.org\/feeds\/people\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.ics$/);
      // The same address each time it is shown: the one the person's calendar holds.
      expect(await personUrl(people.secretaire)).toBe(url);
      const payload = JSON.parse(Buffer.from(url.split('/').at(-1)!.split('.')[0]!, 'base64url').toString()) as {
        exp: number;
        purpose: string;
        email: string;
      };
      expect(payload).toMatchObject({ purpose: 'feed', subject: `subscription:${own.id}`, email: people.secretaire });
      const expiry = new Date(own.createdAt);
      expiry.setUTCFullYear(expiry.getUTCFullYear() + FEED_LINK_YEARS);
      expect(payload.exp).toBe(Math.floor(expiry.getTime() / 1000));

      const secretaire = await get(url);
      expect(secretaire.statusCode, secretaire.body).toBe(200);
      expect(secretaire.headers['content-disposition']).toBe('inline; filename="mes-reunions.ics"');
      const feed = readFeed(secretaire.body);
      expect([feed.method, feed.name, feed.zone]).toEqual(['PUBLISH', 'Mes réunions (Concerto)', 'Europe/Paris']);
      expect(feed.events.map((event) => event.uid)).toEqual([meetings.cotechPast.icalUid, meetings.cotechNext.icalUid]);

      const animatrice = await get(await personUrl(people.animatrice));
      expect(uids(animatrice)).toEqual([meetings.gttCancelled.icalUid, meetings.gttSummer.icalUid]);
      expect(readFeed(animatrice.body).events[0]!.status).toBe('CANCELLED');
      expect(uids(await get(await personUrl(people.outsider)))).toEqual([meetings.otherCopil.icalUid]);

      // A second seat adds its instance's meetings; giving one up takes them away, with the same link.
      const outsiderUrl = await personUrl(people.outsider);
      const person = await db.prisma.person.findUniqueOrThrow({ where: { email: people.outsider } });
      const gtt = await db.prisma.instance.findFirstOrThrow({ where: { conventionId: convention.id, slug: 'gtt-1' } });
      const seat = await db.prisma.membership.create({
        data: { instanceId: gtt.id, personId: person.id, role: 'membre' },
      });
      expect(uids(await get(outsiderUrl))).toEqual([
        meetings.gttCancelled.icalUid,
        meetings.otherCopil.icalUid,
        meetings.gttSummer.icalUid,
      ]);
      await db.prisma.membership.delete({ where: { id: seat.id } });
      expect(uids(await get(outsiderUrl))).toEqual([meetings.otherCopil.icalUid]);

      // Someone with no seat anywhere: an empty calendar, not an error.
      const alone = await db.prisma.person.create({
        data: { email: `personne-${convention.slug}@example.org`, displayName: 'Personne' },
      });
      const nobody = await get(await personUrl(alone.email));
      expect(nobody.statusCode).toBe(200);
      expect(readFeed(nobody.body).events).toEqual([]);
    },
  );

  it('each of a person’s feeds is revoked on its own (410 in French), and renewed with a new address', async () => {
    const store = createStore(db.prisma);
    const personId = (await db.prisma.person.findUniqueOrThrow({ where: { email: people.secretaire } })).id;
    const feeds = await feedsOf(people.secretaire);
    expect(feeds.map((f) => [f.kind, f.convention?.slug ?? null, f.instance?.slug ?? null])).toEqual([
      ['person', null, null],
      ['convention', convention.slug, null],
      ['instance', convention.slug, 'cotech'],
    ]);
    const [own, ofConvention, ofCotech] = feeds as [(typeof feeds)[0], (typeof feeds)[0], (typeof feeds)[0]];
    const cotechUids = [meetings.cotechPast.icalUid, meetings.cotechNext.icalUid];
    expect(uids(await get(addressOf(ofConvention)))).toHaveLength(4);
    expect(uids(await get(addressOf(ofCotech)))).toEqual(cotechUids);
    // An instance's address opens that instance only.
    const otherInstance = addressOf(ofCotech).replace('/instances/cotech.ics', '/instances/gtt-1.ics');
    expect((await get(otherInstance)).statusCode).toBe(403);

    // Revoked: 410 with a French text; listed as revoked, not replaced behind the person's back.
    const revokedAt = new Date(NOW.getTime() + 60_000);
    expect(await store.feeds.revoke({ personId, id: own.id, at: revokedAt })).toMatchObject({ revokedAt });
    const refused = await get(addressOf(own));
    expect(refused.statusCode).toBe(410);
    expect(refused.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(refused.body).toBe(
      'Adresse révoquée\n\nCette adresse d’abonnement a été révoquée le mardi 1er décembre 2026 à 10 h 01.\n\n' +
        'Ouvrez « Mes agendas » dans Concerto pour copier votre adresse d’abonnement, ' +
        'puis remplacez l’ancienne dans votre agenda.\n',
    );
    expect((await feedsOf(people.secretaire))[0]).toMatchObject({ id: own.id, revokedAt });
    // Someone else cannot revoke it, nor renew it.
    const animatriceId = (await db.prisma.person.findUniqueOrThrow({ where: { email: people.animatrice } })).id;
    expect(await store.feeds.revoke({ personId: animatriceId, id: ofCotech.id, at: NOW })).toBeNull();
    expect(await store.feeds.renew({ personId: animatriceId, id: ofCotech.id, at: NOW })).toBeNull();

    // Renewed: a new address that serves the feed; the old one stays refused.
    const renewed = (await store.feeds.renew({ personId, id: own.id, at: NOW }))!;
    expect(renewed.id).not.toBe(own.id);
    const served = await get(addressOf(renewed));
    expect(served.statusCode, served.body).toBe(200);
    expect(served.body).toContain('BEGIN:VEVENT');
    expect(uids(served)).toEqual(cotechUids);
    expect((await get(addressOf(own))).statusCode).toBe(410);

    // Renewing an address in use revokes it at once; the person's other feeds go on.
    const newConvention = (await store.feeds.renew({ personId, id: ofConvention.id, at: NOW }))!;
    expect((await get(addressOf(ofConvention))).statusCode).toBe(410);
    expect((await get(addressOf(newConvention))).statusCode).toBe(200);
    expect((await get(addressOf(ofCotech))).statusCode).toBe(200);
    expect((await feedsOf(people.secretaire)).map((f) => [f.id, f.revokedAt])).toEqual([
      [renewed.id, null],
      [newConvention.id, null],
      [ofCotech.id, null],
    ]);
  });

  it('the API lists one’s feeds with their addresses, revokes one (then 410), renews it (201, then 200)', async () => {
    const auth = await tokenFor(db.prisma, people.animatrice);
    type Listed = { id: string; kind: string; addresses: { https: string; webcal: string } | null };
    const list = await app.inject({ method: 'GET', url: '/api/me/feeds', headers: auth });
    expect(list.statusCode, list.body).toBe(200);
    const feeds = list.json<{ feeds: Listed[] }>().feeds;
    expect(feeds.map((f) => f.kind)).toEqual(['person', 'convention', 'instance']);
    const own = feeds[0]!;
    expect(own.addresses!.webcal).toBe(own.addresses!.https.replace(/^https:/, 'webcal:'));
    expect(uids(await get(own.addresses!.https))).toEqual([meetings.gttCancelled.icalUid, meetings.gttSummer.icalUid]);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/me/feeds/${own.id}`, headers: auth });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json<Listed>().addresses).toBeNull();
    expect((await get(own.addresses!.https)).statusCode).toBe(410);
    const renewed = await app.inject({ method: 'POST', url: `/api/me/feeds/${own.id}/renew`, headers: auth });
    expect(renewed.statusCode, renewed.body).toBe(201);
    const fresh = renewed.json<Listed>();
    expect(fresh.id).not.toBe(own.id);
    expect(uids(await get(fresh.addresses!.https))).toEqual([
      meetings.gttCancelled.icalUid,
      meetings.gttSummer.icalUid,
    ]);
    // Another person's subscription: none such for them.
    const other = await tokenFor(db.prisma, people.outsider);
    expect((await app.inject({ method: 'DELETE', url: `/api/me/feeds/${fresh.id}`, headers: other })).statusCode).toBe(
      404,
    );
    expect(
      await db.prisma.auditEvent.count({ where: { action: { in: ['feed.revoke', 'feed.renew'] } } }),
    ).toBeGreaterThanOrEqual(2);
  });

  it(
    'refuses a changed, cut, foreign, expired or misdirected link with its status ' +
      'and a French text, and serves nothing',
    async () => {
      const genuine = (await personUrl(people.secretaire))
        .split('/')
        .at(-1)!
        .replace(/\.ics$/, '');
      const [body, mac] = genuine.split('.') as [string, string];
      const otherPerson = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), email: people.animatrice }),
      ).toString('base64url');
      const sign = (subject: string, email: string, expiresAt: Date, secret = SECRET) =>
        signLink({ purpose: 'feed', subject, email, expiresAt }, secret);
      const later = new Date(NOW.getTime() + 86_400_000);
      const rsvp = new URL(
        rsvpLinks({
          publicUrl: PUBLIC_URL,
          secret: SECRET,
          meetingId: meetings.cotechNext.id,
          email: people.secretaire,
          expiresAt: later,
        }).accept,
      ).pathname
        .split('/')
        .at(-1)!;
      const conventionToken = new URL(conventionUrl(people.secretaire)).searchParams.get('token')!;
      const otherConventionToken = sign(`convention:${other.id}`, people.outsider, later);
      const outsiderToken = sign(`convention:${convention.id}`, people.outsider, later);

      const person = (token: string) => `/feeds/people/${token}.ics`;
      const ofConvention = (token: string | null, instance = '') =>
        `/feeds/conventions/${convention.slug}${instance ? `/instances/${instance}` : ''}.ics` +
        `${token === null ? '' : `?token=${token}`}`;
      const cases: Array<[string, string, number, string]> = [
        ['changed payload', person(`${otherPerson}.${mac}`), 400, 'Lien non valide'],
        [
          'another secret',
          person(sign('person', people.secretaire, later, 'someone-elses-secret-of-sufficient-length!!')),
          400,
          'Lien non valide',
        ],
        ['cut', person(genuine.slice(0, 40)), 400, 'Lien non valide'],
        ['an answer link', person(rsvp), 400, 'Lien non valide'],
        ['expired', person(sign('person', people.secretaire, new Date(NOW.getTime() - 1000))), 410, 'Lien expiré'],
        ['a convention’s token for a person’s feed', person(conventionToken), 403, 'Accès refusé'],
        [
          'a person’s token of before subscriptions',
          person(sign('person', people.secretaire, later)),
          410,
          'Adresse périmée',
        ],
        ['no token', ofConvention(null), 400, 'Lien non valide'],
        ['changed convention token', ofConvention(`${conventionToken.split('.')[0]}.${mac}`), 400, 'Lien non valide'],
        [
          'expired convention token',
          ofConvention(sign(`convention:${convention.id}`, people.secretaire, NOW)),
          410,
          'Lien expiré',
        ],
        ['a person’s token for a convention', ofConvention(genuine), 403, 'Accès refusé'],
        ['another convention’s token', ofConvention(otherConventionToken, 'cotech'), 403, 'Accès refusé'],
        ['a token given to someone with no seat in the convention', ofConvention(outsiderToken), 403, 'Accès refusé'],
      ];
      for (const [what, url, status, title] of cases) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, what).toBe(status);
        expect(response.headers['content-type'], what).toBe('text/plain; charset=utf-8');
        expect(response.headers['cache-control'], what).toBe('no-store');
        expect(response.headers['etag'], what).toBeUndefined();
        expect(response.body.startsWith(`${title}\n\n`), `${what}: ${response.body}`).toBe(true);
        expect(response.body, what).not.toContain('BEGIN:VCALENDAR');
      }
      const outsider = await app.inject({ method: 'GET', url: ofConvention(outsiderToken) });
      expect(outsider.body).toContain(
        `Cette adresse a été donnée à ${people.outsider}, qui ne siège plus dans aucune instance de la convention.`,
      );
      const expired = await app.inject({ method: 'GET', url: person(sign('person', people.secretaire, NOW)) });
      expect(expired.body).toBe(
        'Lien expiré\n\nCe lien a expiré.\n\nDemandez au secrétariat de la convention une nouvelle adresse ' +
          'd’abonnement, puis remplacez l’ancienne dans votre agenda.\n',
      );
    },
  );
});
