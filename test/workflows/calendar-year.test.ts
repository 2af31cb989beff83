import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/lifecycle/model.js';
import type { MeetingRule } from '../../domain/meeting-recurrence.js';
import { atLocalTime, shiftDate, toLocal } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { Prisma } from '../../generated/prisma/client.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { saveMeetingRules } from '../../store/conventions/save-meeting-rules.js';
import { setCalendarRules } from '../../client/set-calendar-rules.js';
import {
  calendarWorkflowId,
  calendarYearStateQuery,
  moveMilestoneUpdate,
  reloadRulesUpdate,
  type CalendarYearState,
} from '../../workflows/calendar-definitions.js';
import { calendarYearWorkflow } from '../../workflows/calendar-year.js';
import { meetingStateQuery } from '../../workflows/meeting-definitions.js';
import { startDemoStack, type DemoStack } from '../helpers/demo-stack.js';
import { eventually, sleepUntil } from '../helpers/time-skipping.js';
import { createStore } from '../../store/index.js';

// The annual calendar on a time-skipping server of its own: a whole year runs in seconds.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const OWNER = 'mission.projet-territoire@example.org';
const COTECH: MeetingRule = {
  instance: 'cotech',
  frequency: { every: 'quarter', firstMonth: 1 },
  weekday: 'mardi',
  nth: 1,
  time: '14:00',
  durationMinutes: 180,
};

describe('calendarYearWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let stack: DemoStack;
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let cooperateur: Actor;
  let year: number;

  beforeAll(async () => {
    stack = await startDemoStack('calendar');
    ({ env, db, catcher, taskQueue, conventionId } = stack);
    cooperateur = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
    // The next calendar year, the convention's last: it ends on 31 December of that year.
    year = toLocal(new Date(await env.currentTimeMs()), ZONE).year + 1;
    await db.prisma.convention.update({
      where: { id: conventionId },
      data: { endDate: new Date(`${year}-12-31T00:00:00Z`) },
    });
    await db.prisma.milestone.create({
      data: {
        conventionId,
        key: `copil-bilan-${year}`,
        year,
        title: 'Bilan annuel en COPIL',
        startDate: new Date(`${year}-06-15T00:00:00Z`),
        ownerEmail: OWNER,
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** New rules the way the API sets them: stored, then the running calendar told. */
  async function setRules(rules: MeetingRule[]): Promise<CalendarYearState> {
    const result = await setCalendarRules(
      { client: env.client, store: createStore(db.prisma), taskQueue },
      conventionId,
      rules,
      cooperateur,
      new Date(await env.currentTimeMs()),
    );
    if (result.started) throw new Error('the calendar should be running');
    return result.state;
  }

  const mailsTo = async (to: string, subject: RegExp) =>
    (await catcher.list()).filter((m) => m.to.includes(to) && subject.test(m.subject));

  it(
    'creates each generated meeting in time for its convocation, reminds milestone owners on their day, ' +
      'follows a moved milestone and a new rule, and goes on into the next year only while the convention runs',
    { timeout: 300_000 },
    async () => {
      // Stored first, as the API does; the workflow reads them from the store.
      await saveMeetingRules(db.prisma, {
        conventionId,
        rules: [COTECH],
        actorEmail: cooperateur.email,
        at: new Date(await env.currentTimeMs()),
      });
      const handle = await env.client.workflow.start(calendarYearWorkflow, {
        taskQueue,
        workflowId: calendarWorkflowId(conventionId),
        args: [{ conventionId, year }],
      });
      const planned = await eventually(async () => {
        const state = await handle.query(calendarYearStateQuery);
        return state.meetings.length > 0 ? state : undefined;
      }, 'the plan');
      // The first Tuesday of each quarter at 14:00 Paris; created 7 + 1 + 7 days before, at 09:00.
      expect(
        planned.meetings.map((m) => toLocal(new Date(m.startsAt), ZONE)).map((l) => [l.month, l.weekday, l.hour]),
      ).toEqual([
        [1, 2, 14],
        [4, 2, 14],
        [7, 2, 14],
        [10, 2, 14],
      ]);
      const first = planned.meetings[0]!;
      const firstDay = toLocal(new Date(first.startsAt), ZONE);
      expect(first.createAt).toBe(atLocalTime(shiftDate(firstDay, -15), 9, 0, ZONE).toISOString());

      // Refused before history: a member plans nothing. Refused before the store: a rule naming no
      // instance, two rules for one instance; the stored rules stay as they were.
      const membre = await resolveActor(db.prisma, conventionId, 'caf.conseiller-territorial@example.org', 'membre');
      const refused = await handle
        .executeUpdate(reloadRulesUpdate, { args: [{ actor: membre }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(setRules([{ ...COTECH, instance: 'inconnue' }])).rejects.toThrow(/Aucune instance « inconnue »/);
      await expect(setRules([COTECH, { ...COTECH, nth: 2 }])).rejects.toThrow(/Une seule règle par instance/);
      expect(
        (await db.prisma.instance.findMany({ where: { conventionId, meetingRule: { not: Prisma.DbNull } } })).map(
          (i) => i.slug,
        ),
      ).toEqual(['cotech']);

      // A minute before its creation time nothing exists; a minute after, the meeting and its workflow do.
      await sleepUntil(env, handle, new Date(Date.parse(first.createAt) - MINUTE));
      expect(await db.prisma.meeting.count({ where: { conventionId, startsAt: new Date(first.startsAt) } })).toBe(0);
      await sleepUntil(env, handle, new Date(Date.parse(first.createAt) + MINUTE));
      const meetingId = await eventually(
        async () => (await handle.query(calendarYearStateQuery)).meetings[0]!.meetingId,
        'the first meeting',
      );
      const meeting = await db.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } });
      expect(meeting).toMatchObject({ startsAt: new Date(first.startsAt), workflowId: `meeting-${meetingId}` });
      await eventually(
        async () =>
          (await env.client.workflow.getHandle(meeting.workflowId!).query(meetingStateQuery)).meetingId === meetingId,
        'its workflow',
      );

      // A new rule: the GTT 1 on the last Thursday of November.
      const withGtt = await setRules([
        COTECH,
        {
          instance: 'gtt-1',
          frequency: { every: 'months', months: [11] },
          weekday: 'jeudi',
          nth: -1,
          time: '09:30',
          durationMinutes: 120,
        },
      ]);
      expect(
        withGtt.meetings.filter((m) => m.instance === 'gtt-1').map((m) => toLocal(new Date(m.startsAt), ZONE)),
      ).toMatchObject([{ month: 11, weekday: 4, hour: 9, minute: 30 }]);
      expect(withGtt.meetings.find((m) => m.key === first.key)?.meetingId).toBe(meetingId);

      // The milestone moved a week later: its reminders follow the new date.
      const moved = await handle.executeUpdate(moveMilestoneUpdate, {
        args: [{ actor: cooperateur, key: `copil-bilan-${year}`, startDate: `${year}-06-22` }],
      });
      expect(moved.milestones.find((m) => m.key === `copil-bilan-${year}`)).toMatchObject({
        startDate: `${year}-06-22`,
        status: 'reporte',
      });
      const j14 = atLocalTime({ year, month: 6, day: 8 }, 9, 0, ZONE);
      await sleepUntil(env, handle, new Date(j14.getTime() - MINUTE));
      expect(await mailsTo(OWNER, /^Rétroplanning/)).toEqual([]);
      await sleepUntil(env, handle, new Date(j14.getTime() + MINUTE));
      await eventually(async () => (await mailsTo(OWNER, /dans 14 jours$/)).length === 1, 'the J-14 reminder');
      await sleepUntil(env, handle, atLocalTime({ year, month: 6, day: 21 }, 9, 1, ZONE));
      await eventually(async () => (await mailsTo(OWNER, /demain$/)).length === 1, 'the J-1 reminder');

      // A rule whose next meeting is too close for the GTT's 7 jours francs: left to a person, and said.
      const late = await setRules([
        ...withGtt.rules,
        {
          instance: 'gtt-2',
          frequency: { every: 'months', months: [6] },
          weekday: 'jeudi',
          nth: -1,
          time: '09:30',
          durationMinutes: 120,
        },
      ]);
      expect(late.meetings.filter((m) => m.instance === 'gtt-2')).toHaveLength(1);
      const tooLate = await eventually(
        async () =>
          (await handle.query(calendarYearStateQuery)).meetings.find((m) => m.instance === 'gtt-2' && m.tooLate),
        'the late meeting flagged',
      );
      expect(tooLate.meetingId).toBeUndefined();
      expect(tooLate.notes.join(' ')).toMatch(/Trop tard pour convoquer/);

      // Rules stored while the calendar was not told (as when telling it failed): it takes them up at
      // the next year's start at the latest.
      const copil: MeetingRule = {
        instance: 'copil',
        frequency: { every: 'months', months: [6, 12] },
        weekday: 'jeudi',
        nth: 2,
        time: '10:00',
        durationMinutes: 120,
      };
      await saveMeetingRules(db.prisma, {
        conventionId,
        rules: [...late.rules, copil],
        actorEmail: cooperateur.email,
        at: new Date(await env.currentTimeMs()),
      });
      expect((await handle.query(calendarYearStateQuery)).rules).toHaveLength(3);

      // Prolonged by amendment before the year ends: the calendar goes on into the next year.
      await db.prisma.convention.update({
        where: { id: conventionId },
        data: { endDate: new Date(`${year + 1}-12-31T00:00:00Z`) },
      });
      await sleepUntil(env, handle, atLocalTime({ year: year + 1, month: 1, day: 1 }, 0, 5, ZONE));
      const next = await eventually(async () => {
        const state = await env.client.workflow
          .getHandle(calendarWorkflowId(conventionId))
          .query(calendarYearStateQuery);
        return state.year === year + 1 ? state : undefined;
      }, 'the next year');
      expect(next.rules.map((r) => r.instance)).toEqual(['copil', 'cotech', 'gtt-1', 'gtt-2']);
      expect(next.meetings.filter((m) => m.instance === 'copil')).toHaveLength(2);
      await delay(200);
      expect((await mailsTo(OWNER, /^Rétroplanning/)).length).toBe(2);
    },
  );
});
