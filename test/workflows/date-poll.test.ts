import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPoll, type NewPoll } from '../../client/start-poll.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { addLocalDays, atLocalTime, dateKey, shiftDate, toLocal, type LocalDate } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { CaughtMessage, MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { meetingStateQuery, meetingWorkflowId } from '../../workflows/meeting-definitions.js';
import {
  chooseAmongTiedUpdate,
  closePollUpdate,
  pollStateQuery,
  signUpUpdate,
  voteUpdate,
  withdrawSignUpUpdate,
} from '../../workflows/poll-definitions.js';
import { startDemoStack, type DemoStack } from '../helpers/demo-stack.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { acceptedUpdates, updateRefusal as refusal } from '../helpers/updates.js';
import { eventually, sleepUntil } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// The date poll workflow on a time-skipping server of this file's own (its clock only moves
// forward: the tests run in order, weeks apart), the demo convention in PGlite, real SMTP.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;

const PEOPLE = {
  /** A coopérateur: organises the polls. */
  organiser: 'directrice.education@example.org',
  secretaire: 'assistante.education@example.org',
  caf: 'caf.conseiller-territorial@example.org',
  msa: 'msa.travailleur-social@example.org',
  /** A member of the COTECH who is not asked. */
  outsider: 'coordinateur.0-6-ans@example.org',
};
const PARTICIPANTS = [PEOPLE.caf, PEOPLE.msa, PEOPLE.secretaire].sort();

describe('datePollWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let stack: DemoStack;
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let cotechMembers: string[];
  let organiser: Actor;
  let membre: Actor;

  beforeAll(async () => {
    stack = await startDemoStack('date-poll');
    ({ env, db, catcher, taskQueue, conventionId } = stack);
    const memberships = await db.prisma.membership.findMany({
      where: { instance: { conventionId, slug: 'cotech' } },
      include: { person: true },
    });
    cotechMembers = [...new Set(memberships.map((m) => m.person.email.toLowerCase()))].sort();
    organiser = await resolveActor(db.prisma, conventionId, PEOPLE.organiser, 'cooperateur');
    membre = await resolveActor(db.prisma, conventionId, PEOPLE.caf, 'membre');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  // ---------------------------------------------------------------------------------------------
  // Helpers

  const now = async () => new Date(await env.currentTimeMs());
  const today = async (): Promise<LocalDate> => toLocal(await now(), ZONE);
  const openDayAfter = (day: LocalDate, days: number) => nextOpenDay(shiftDate(day, days), null).date;

  /** A poll of the COTECH with answers due at noon on the first open day `inDays` days ahead. */
  async function start(
    title: string,
    inDays: number,
    options: (deadlineDay: LocalDate) => NewPoll['options'],
    participants = PARTICIPANTS,
  ) {
    const deadlineDay = openDayAfter(await today(), inDays);
    const deadline = atLocalTime(deadlineDay, 12, 0, ZONE);
    const started = await startPoll(
      { client: env.client, store: createStore(db.prisma), taskQueue },
      conventionId,
      {
        instance: 'cotech',
        title,
        deadline: deadline.toISOString(),
        options: options(deadlineDay),
        participants,
        location: 'Salle du conseil, Melle',
      },
      organiser,
      { now: await now(), timing: { meetingTiming: { agendaQuietMs: 1_000 } } },
    );
    return { ...started, deadline, deadlineDay, handle: env.client.workflow.getHandle(started.workflowId) };
  }

  async function mails(prefix: string, title: string): Promise<CaughtMessage[]> {
    return (await catcher.list()).filter((m) => m.subject.startsWith(prefix) && m.subject.includes(title));
  }

  /** Waits until `count` mails of that kind arrived, then gives their recipients, sorted. */
  async function recipients(prefix: string, title: string, count: number): Promise<string[]> {
    await eventually(
      async () => (await mails(prefix, title)).length >= count,
      `${count} mails « ${prefix} » about ${title}`,
    );
    await delay(150); // room for a duplicate to show
    return (await mails(prefix, title)).flatMap((m) => m.to).sort();
  }

  /** The plain text of a caught mail. */
  async function textOf(message: CaughtMessage | undefined): Promise<string> {
    if (!message) throw new Error('no such mail');
    return (await simpleParser((await catcher.readRaw(message.id))!)).text ?? '';
  }

  async function completed(handle: WorkflowHandle): Promise<void> {
    await eventually(
      async () => (await handle.describe()).status.name === 'COMPLETED',
      'the poll workflow to complete',
    );
  }

  /**
   * The meeting a poll created, once convened. It is left running: on the time-skipping test
   * server a child that closes after its abandoned parent has completed stays « pending » in the
   * parent, and every later sleep of the server hangs (temporalio/sdk-typescript#1101,
   * sdk-java#2392). A real server has no such problem; the integration test cancels its meeting.
   */
  async function convened(meetingId: string): Promise<void> {
    const meeting = env.client.workflow.getHandle(meetingWorkflowId(meetingId));
    await sleepUntil(env, meeting, new Date((await env.currentTimeMs()) + 11_000));
    await eventually(
      async () => (await meeting.query(meetingStateQuery)).status === 'convoquee',
      'the meeting to be convened',
    );
  }

  // ---------------------------------------------------------------------------------------------

  it(
    'refuses a weekend or a public holiday at creation, and a ' +
      'member without a role in the instance, and starts nothing',
    async () => {
      const before = await db.prisma.poll.count();
      const year = (await today()).year + 1;
      const refused = await startPoll(
        { client: env.client, store: createStore(db.prisma), taskQueue },
        conventionId,
        {
          instance: 'cotech',
          title: 'Sondage refusé',
          deadline: atLocalTime({ year, month: 6, day: 1 }, 12, 0, ZONE).toISOString(),
          options: [
            { kind: 'journee', date: `${year}-07-14` },
            { kind: 'journee', date: dateKey(nextOpenDay({ year, month: 7, day: 16 }, null).date) },
          ],
        },
        organiser,
        { now: await now() },
      ).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({
        code: 'INVALID_INPUT',
        field: 'options.0',
        message: expect.stringMatching(/Fête nationale \(jour férié\)/),
      });
      expect(await db.prisma.poll.count()).toBe(before);

      const byMember = await startPoll(
        { client: env.client, store: createStore(db.prisma), taskQueue },
        conventionId,
        {
          instance: 'cotech',
          title: 'Sondage d’un membre',
          deadline: atLocalTime({ year, month: 6, day: 1 }, 12, 0, ZONE).toISOString(),
          options: [{ kind: 'journee', date: `${year}-06-16` }],
        },
        membre,
        { now: await now() },
      ).catch((e: unknown) => e);
      expect(byMember).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    },
  );

  it(
    'invites, takes answers and sign-ups (a full date refused), reminds only those who have not answered at 09:00 ' +
      'on J-3 and J-1, then at the deadline chooses the date with the most oui, creates its meeting whose workflow ' +
      'convenes the COTECH, and tells everyone',
    async () => {
      const title = 'Journée plan d’actions';
      const poll = await start(title, 12, (deadlineDay) => {
        const first = openDayAfter(deadlineDay, 10);
        const second = openDayAfter(first, 1);
        const third = openDayAfter(second, 1);
        return [
          { kind: 'journee', date: dateKey(first) },
          { kind: 'demi_journee', date: dateKey(second), half: 'apres_midi' },
          { kind: 'creneau', date: dateKey(third), start: '10:00', end: '12:00', capacity: 1 },
        ];
      });
      const [A, B, C] = poll.options.map((o) => o.id) as [string, string, string];
      expect(poll.participants).toEqual(PARTICIPANTS);
      expect(await recipients('Sondage de date : ', title, PARTICIPANTS.length)).toEqual(PARTICIPANTS);
      const [invitation] = await mails('Sondage de date : ', title);
      const invitationText = await textOf(invitation);
      expect(invitationText).toContain(`${TEST_LINKS.publicUrl}/vote/`);
      expect(invitationText).toMatch(/1 place : inscrivez-vous/);

      // Answers and sign-ups; a full date and a stranger are refused before anything is recorded.
      const first = await poll.handle.executeUpdate(voteUpdate, {
        args: [{ email: PEOPLE.caf, answers: { [A]: 'oui', [B]: 'si_necessaire', [C]: 'oui' }, signUps: [C] }],
      });
      expect(first.tallies.find((t) => t.optionId === C)).toMatchObject({ oui: 1, volunteers: 1 });
      const full = await refusal(
        poll.handle.executeUpdate(voteUpdate, {
          args: [{ email: PEOPLE.msa, answers: { [A]: 'oui', [B]: 'oui', [C]: 'si_necessaire' }, signUps: [C] }],
        }),
      );
      expect(full).toMatchObject({
        type: 'CAPACITY_FULL',
        message: expect.stringMatching(/complet \(1 place, toutes prises\)/),
      });
      expect(
        await refusal(
          poll.handle.executeUpdate(voteUpdate, {
            args: [{ email: PEOPLE.outsider, answers: { [A]: 'oui', [B]: 'oui', [C]: 'oui' }, signUps: [] }],
          }),
        ),
      ).toMatchObject({
        type: 'ROLE_NOT_ALLOWED',
      });
      expect(await acceptedUpdates(poll.handle)).toBe(1);
      // The place frees when its holder withdraws, and is held again when they sign up.
      await poll.handle.executeUpdate(withdrawSignUpUpdate, { args: [{ email: PEOPLE.caf, optionId: C }] });
      expect((await poll.handle.query(pollStateQuery)).tallies.find((t) => t.optionId === C)?.volunteers).toBe(0);
      await poll.handle.executeUpdate(signUpUpdate, { args: [{ email: PEOPLE.caf, optionId: C }] });
      const votes = await db.prisma.vote.findMany({ where: { option: { pollId: poll.pollId } } });
      expect(votes.map((v) => [v.voterEmail, v.optionId, v.answer, v.volunteer]).sort()).toEqual(
        [
          [PEOPLE.caf, A, 'oui', false],
          [PEOPLE.caf, B, 'si_necessaire', false],
          [PEOPLE.caf, C, 'oui', true],
        ].sort(),
      );

      const j3 = addLocalDays(atLocalTime(poll.deadlineDay, 9, 0, ZONE), -3, ZONE);
      const j1 = addLocalDays(atLocalTime(poll.deadlineDay, 9, 0, ZONE), -1, ZONE);
      expect((await poll.handle.query(pollStateQuery)).nextReminder).toBe(j3.toISOString());
      await sleepUntil(env, poll.handle, new Date(j3.getTime() - MINUTE));
      await delay(300);
      expect(await mails('Rappel (J-3)', title)).toEqual([]);
      await sleepUntil(env, poll.handle, new Date(j3.getTime() + MINUTE));
      expect(await recipients('Rappel (J-3) — sondage de date : ', title, 2)).toEqual(
        [PEOPLE.msa, PEOPLE.secretaire].sort(),
      );

      await poll.handle.executeUpdate(voteUpdate, {
        args: [{ email: PEOPLE.msa, answers: { [A]: 'oui', [B]: 'oui', [C]: 'si_necessaire' }, signUps: [] }],
      });
      await sleepUntil(env, poll.handle, new Date(j1.getTime() - MINUTE));
      await delay(300);
      expect(await mails('Rappel (J-1)', title)).toEqual([]);
      await sleepUntil(env, poll.handle, new Date(j1.getTime() + MINUTE));
      expect(await recipients('Rappel (J-1) — sondage de date : ', title, 1)).toEqual([PEOPLE.secretaire]);

      // The deadline: A has 2 oui, B and C 1 each.
      await sleepUntil(env, poll.handle, new Date(poll.deadline.getTime() + MINUTE));
      await completed(poll.handle);
      const state = await poll.handle.query(pollStateQuery);
      expect(state).toMatchObject({
        status: 'clos',
        chosenOptionId: A,
        reason: 'oui',
        chosenBy: 'regle',
        awaiting: [PEOPLE.secretaire],
      });
      const row = await db.prisma.poll.findUniqueOrThrow({ where: { id: poll.pollId } });
      expect(row).toMatchObject({ status: 'clos', chosenOptionId: A, chosenBy: 'regle', meetingId: state.meetingId });
      const meeting = await db.prisma.meeting.findUniqueOrThrow({
        where: { id: state.meetingId! },
        include: { instance: true },
      });
      expect(meeting).toMatchObject({
        title,
        startsAt: new Date(poll.options[0]!.startsAt),
        endsAt: new Date(poll.options[0]!.endsAt),
        location: 'Salle du conseil, Melle',
        workflowId: meetingWorkflowId(meeting.id),
      });
      expect(meeting.instance.slug).toBe('cotech');

      // The meeting's workflow outlives the poll's and convenes the COTECH.
      const meetingHandle = env.client.workflow.getHandle(meetingWorkflowId(meeting.id));
      expect((await meetingHandle.describe()).status.name).toBe('RUNNING');
      await sleepUntil(env, meetingHandle, new Date((await env.currentTimeMs()) + 11_000));
      expect(await recipients('Convocation : ', title, cotechMembers.length)).toEqual(cotechMembers);

      const everyone = [...PARTICIPANTS, PEOPLE.organiser].sort();
      expect(await recipients('Date retenue : ', title, everyone.length)).toEqual(everyone);
      const [result] = await mails('Date retenue : ', title);
      expect(await textOf(result)).toMatch(/le plus de « oui »/);
    },
  );

  it(
    'closed early by its organiser with a tie: answers stop, the organiser is asked and reminded ' +
      'three days later at 09:00, chooses among the tied dates, and the meeting takes that date',
    async () => {
      const title = 'COTECH à départager';
      const poll = await start(title, 20, (deadlineDay) => {
        const day = openDayAfter(deadlineDay, 10);
        // The same morning start: equal on both counts, they tie.
        return [
          { kind: 'journee', date: dateKey(day) },
          { kind: 'creneau', date: dateKey(day), start: '09:00', end: '11:00' },
          { kind: 'journee', date: dateKey(openDayAfter(day, 1)) },
        ];
      });
      const [A, B, C] = poll.options.map((o) => o.id) as [string, string, string];
      await recipients('Sondage de date : ', title, PARTICIPANTS.length);
      await poll.handle.executeUpdate(voteUpdate, {
        args: [{ email: PEOPLE.caf, answers: { [A]: 'oui', [B]: 'oui', [C]: 'non' }, signUps: [] }],
      });
      await poll.handle.executeUpdate(voteUpdate, {
        args: [{ email: PEOPLE.msa, answers: { [A]: 'si_necessaire', [B]: 'si_necessaire', [C]: 'oui' }, signUps: [] }],
      });

      expect(await refusal(poll.handle.executeUpdate(closePollUpdate, { args: [{ actor: membre }] }))).toMatchObject({
        type: 'ROLE_NOT_ALLOWED',
      });
      expect(
        await refusal(poll.handle.executeUpdate(chooseAmongTiedUpdate, { args: [{ actor: organiser, optionId: A }] })),
      ).toMatchObject({ type: 'WRONG_STAGE' });
      const closed = await poll.handle.executeUpdate(closePollUpdate, { args: [{ actor: organiser }] });
      expect(closed).toMatchObject({ status: 'departage', tied: [A, B], closedBy: PEOPLE.organiser });
      expect(
        await refusal(
          poll.handle.executeUpdate(voteUpdate, {
            args: [{ email: PEOPLE.secretaire, answers: { [A]: 'oui', [B]: 'non', [C]: 'non' }, signUps: [] }],
          }),
        ),
      ).toMatchObject({
        type: 'WRONG_STAGE',
      });
      expect(await recipients('Sondage à départager : ', title, 1)).toEqual([PEOPLE.organiser]);
      const [tie] = await mails('Sondage à départager : ', title);
      expect(await textOf(tie)).toMatch(/Choisir la date : http:\/\/concerto\.test\/vote\//);
      expect(await db.prisma.poll.findUniqueOrThrow({ where: { id: poll.pollId } })).toMatchObject({
        status: 'departage',
      });

      const reminder = atLocalTime(shiftDate(await today(), 3), 9, 0, ZONE);
      expect((await poll.handle.query(pollStateQuery)).nextReminder).toBe(reminder.toISOString());
      await sleepUntil(env, poll.handle, new Date(reminder.getTime() + MINUTE));
      expect(await recipients('Rappel — sondage à départager : ', title, 1)).toEqual([PEOPLE.organiser]);

      expect(
        await refusal(poll.handle.executeUpdate(chooseAmongTiedUpdate, { args: [{ actor: organiser, optionId: C }] })),
      ).toMatchObject({
        type: 'INVALID_INPUT',
        message: expect.stringMatching(/parmi les dates à égalité/),
      });
      expect(
        await refusal(poll.handle.executeUpdate(chooseAmongTiedUpdate, { args: [{ actor: membre, optionId: B }] })),
      ).toMatchObject({ type: 'ROLE_NOT_ALLOWED' });
      const chosen = await poll.handle.executeUpdate(chooseAmongTiedUpdate, {
        args: [{ actor: organiser, optionId: B }],
      });
      expect(chosen).toMatchObject({ status: 'clos', chosenOptionId: B, reason: null, chosenBy: PEOPLE.organiser });
      await completed(poll.handle);
      const { meetingId } = await poll.handle.query(pollStateQuery);
      const meeting = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId! } });
      expect(meeting.startsAt.toISOString()).toBe(poll.options[1]!.startsAt);
      expect(meeting.endsAt.toISOString()).toBe(poll.options[1]!.endsAt);
      const everyone = [...PARTICIPANTS, PEOPLE.organiser].sort();
      expect(await recipients('Date retenue : ', title, everyone.length)).toEqual(everyone);
      const [result] = await mails('Date retenue : ', title);
      expect(await textOf(result)).toMatch(/directrice\.education@example\.org a choisi celle-ci/);
      const audit = await db.prisma.auditEvent.findMany({
        where: { subject: `poll:${poll.pollId}` },
        orderBy: { at: 'asc' },
      });
      // Votes are dated by the wall clock, the workflow's lines by the skipped one: compared apart.
      const votes = audit.filter((a) => a.action === 'poll.vote');
      expect(votes.map((a) => a.actor).sort()).toEqual([PEOPLE.caf, PEOPLE.msa].sort());
      expect(audit.filter((a) => a.action !== 'poll.vote').map((a) => a.action)).toEqual([
        'poll.create',
        'poll.departage',
        'poll.clos',
      ]);
      await convened(meeting.id);
    },
  );
});
