import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { createRsvpSignaller } from '../../client/signal-rsvp.js';
import { createCalendarAnswerReader } from '../../activities/caldav-answers.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { addLocalDays, atLocalTime, toLocal } from '../../domain/paris-time.js';
import { passwordBox } from '../../infra/caldav/password-box.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore, type Store } from '../../store/index.js';
import { cancelUpdate, meetingStateQuery, rescheduleUpdate } from '../../workflows/meeting-definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { startRadicale, type RunningRadicale } from '../helpers/radicale.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually, privateTimeSkippingEnv, sleepUntil } from '../helpers/time-skipping.js';

// The meeting workflow writing into a member's linked calendar (a real Radicale), on a
// time-skipping server of this file's own: the push runs beside the workflow and never holds a
// step back, even with the calendar server down until its retries are spent.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const MEMBER = 'caf.conseiller-territorial@example.org';
const ACCOUNT = { user: 'conseiller', password: 'mot-de-passe-d-application' };

describe('meetingWorkflow × linked CalDAV calendar (time-skipping, real Radicale)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let store: Store;
  let stack: TestWorker;
  let radicale: RunningRadicale;
  let collection: string;
  let conventionId: string;
  let cooperateur: Actor;

  beforeAll(async () => {
    [env, db, radicale] = await Promise.all([
      privateTimeSkippingEnv(),
      openTestDatabase('pglite'),
      startRadicale({ [ACCOUNT.user]: ACCOUNT.password }),
    ]);
    store = createStore(db.prisma);
    stack = await startTestWorker(env, db, 'meeting-caldav');
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    cooperateur = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
    collection = await radicale.makeCalendar(ACCOUNT.user, ACCOUNT.password);
    const member = await db.prisma.person.findUniqueOrThrow({ where: { email: MEMBER } });
    await store.calendars.link({
      owner: { personId: member.id },
      url: collection,
      username: ACCOUNT.user,
      // The test worker seals with the links' secret: no CALDAV_SECRET given.
      sealedPassword: passwordBox(TEST_LINKS.secret).seal(ACCOUNT.password),
      by: MEMBER,
      at: new Date(),
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await radicale?.close();
    await db?.close();
    await env?.teardown();
  });

  const auth = `Basic ${Buffer.from(`${ACCOUNT.user}:${ACCOUNT.password}`).toString('base64')}`;
  const serverObject = async (href: string) => {
    const answer = await fetch(href, { headers: { authorization: auth } });
    return { status: answer.status, ics: await answer.text(), etag: answer.headers.get('etag') };
  };

  /** Schedules a COTECH `days` ahead at 14:00 and lets its convocation go (and be written in the calendar). */
  const convene = async (title: string, days: number) => {
    const now = new Date(await env.currentTimeMs());
    const day = nextOpenDay(toLocal(addLocalDays(now, days, ZONE), ZONE), null).date;
    const startsAt = atLocalTime(day, 14, 0, ZONE);
    const created = await scheduleMeeting(
      { client: env.client, store, taskQueue: stack.taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 120 * MINUTE).toISOString(),
      },
      cooperateur,
      { now },
    );
    const handle = env.client.workflow.getHandle(created.workflowId);
    await sleepUntil(env, handle, new Date(now.getTime() + 11 * MINUTE));
    return { created, handle, startsAt };
  };

  it('writes the convocation, and with the server down a reschedule and a cancel still go through', async () => {
    const { created, handle, startsAt } = await convene('COTECH relié', 30);

    // Convened: the event is in the member's calendar, at SEQUENCE 0.
    const written = await eventually(
      async () => db.prisma.calendarEvent.findFirst({ where: { meetingId: created.meetingId } }),
      'the event written in the linked calendar',
    );
    expect(written.sequence).toBe(0);
    const object = await serverObject(written.href);
    expect(object.status).toBe(200);
    expect(object.ics).toContain(`UID:${created.icalUid}`);

    // The calendar server goes down. A reschedule answers at once, the mails go; the push retries.
    await radicale.stop();
    const later = new Date(startsAt.getTime() + 2 * 24 * 60 * MINUTE);
    const moved = await handle.executeUpdate(rescheduleUpdate, {
      args: [
        {
          actor: cooperateur,
          startsAt: later.toISOString(),
          endsAt: new Date(later.getTime() + 120 * MINUTE).toISOString(),
          override: { reason: 'Test : date hors des règles acceptée' },
        },
      ],
    });
    expect(moved.sequence).toBe(1);

    // Time passes (skipped): the retries are spent, the failure is recorded where people read it.
    await env.sleep(3 * 60 * MINUTE);
    const audit = await eventually(
      async () =>
        db.prisma.auditEvent.findFirst({
          where: { action: 'meeting.calendar_push_failed', subject: `meeting:${created.meetingId}` },
        }),
      'the failed push in the audit log',
      60_000,
    );
    expect(JSON.stringify(audit.details)).toMatch(/ne répond pas/);
    const member = await db.prisma.person.findUniqueOrThrow({ where: { email: MEMBER } });
    expect((await store.calendars.find({ personId: member.id }))?.lastError).toMatch(/ne répond pas/);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await handle.query(meetingStateQuery)).sequence).toBe(1);

    // Back up: the cancellation removes the event, and the workflow ends as it would without a calendar.
    await radicale.start();
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: cooperateur, reason: 'Fin du test' }] });
    expect(await handle.result()).toMatchObject({ status: 'annulee', sequence: 2 });
    expect((await serverObject(written.href)).status).toBe(404);
    expect(await db.prisma.calendarEvent.findFirst({ where: { meetingId: created.meetingId } })).toMatchObject({
      deleted: true,
      sequence: 2,
    });
  }, 240_000);

  it('a titulaire who declines in their own calendar app has their suppléant convened, as by link', async () => {
    // A suppléant of the CAF at the COTECH, seated in the member's structure.
    const cotech = await db.prisma.instance.findFirstOrThrow({ where: { conventionId, slug: 'cotech' } });
    const titulaire = await db.prisma.membership.findFirstOrThrow({
      where: { instanceId: cotech.id, person: { email: MEMBER } },
    });
    const suppleant = await db.prisma.person.create({
      data: { email: 'suppleant.caf@example.org', displayName: 'Suppléante CAF' },
    });
    await db.prisma.membership.create({
      data: {
        instanceId: cotech.id,
        personId: suppleant.id,
        structureId: titulaire.structureId,
        role: 'technicien',
        seat: 'suppleant',
      },
    });
    const title = 'COTECH décliné dans l’agenda';
    const { created, handle } = await convene(title, 40);
    const written = await eventually(
      async () => db.prisma.calendarEvent.findFirst({ where: { meetingId: created.meetingId, deleted: false } }),
      'the event written in the linked calendar',
    );
    const convenedSuppleant = async () =>
      (await stack.catcher.list()).filter((m) => m.subject.includes(title) && m.to.includes(suppleant.email));
    expect(await convenedSuppleant()).toEqual([]);

    // The member declines in their calendar app: the same object, their PARTSTAT changed.
    const { ics, etag } = await serverObject(written.href);
    const unfolded = ics.replace(/\r\n[ \t]/g, '');
    const declined = unfolded.replace(
      new RegExp(`^(ATTENDEE[^\\r\\n]*?)PARTSTAT=[A-Z-]+([^\\r\\n]*:mailto:${MEMBER.replace(/[.]/g, '\\.')})$`, 'im'),
      '$1PARTSTAT=DECLINED$2',
    );
    expect(declined).not.toBe(unfolded);
    const put = await fetch(written.href, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'text/calendar', 'if-match': etag! },
      body: declined,
    });
    expect(put.status).toBeLessThan(300);

    // The read-back round of `npm start`, telling the workflow as the app does.
    const read = createCalendarAnswerReader({
      calendars: store.calendars,
      meetings: store.meetings,
      passwords: passwordBox(TEST_LINKS.secret),
      onRsvp: createRsvpSignaller(env.client),
      now: () => new Date(),
    });
    const round = await read();
    expect(round.recorded.map((r) => [r.email, r.partstat, r.source])).toEqual([[MEMBER, 'DECLINED', 'caldav']]);
    const [called] = await eventually(async () => {
      const mails = await convenedSuppleant();
      return mails.length > 0 ? mails : null;
    }, 'the suppléant convened');
    expect(called!.subject).toContain('Convocation (suppléance)');
    expect((await handle.query(meetingStateQuery)).suppleants).toEqual({ [suppleant.email]: MEMBER });
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: cooperateur, reason: 'Fin du test' }] });
    await handle.result();
  }, 240_000);
});
