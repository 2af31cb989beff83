import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreActivities } from '../../activities/store.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { atLocalTime, toLocal } from '../../domain/paris-time.js';
import type { Database } from '../../store/database/open-database.js';
import type { CaughtMessage, MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { Prisma } from '../../generated/prisma/client.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { calendarWorkflowId, calendarYearStateQuery } from '../../workflows/calendar-definitions.js';
import { calendarYearWorkflow } from '../../workflows/calendar-year.js';
import { conventionCycleWorkflow } from '../../workflows/convention.js';
import {
  conventionCycleStateQuery,
  conventionWorkflowId,
  evaluationRecordedSignal,
  prolongUpdate,
} from '../../workflows/convention-definitions.js';
import { startDemoStack, type DemoStack } from '../helpers/demo-stack.js';
import { eventually, sleepUntil } from '../helpers/time-skipping.js';
import { acceptedUpdates, updateRefusal } from '../helpers/updates.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';
import { recordConventionSignatureStep } from '../../client/convention-signature.js';

// The convention's cycle on a time-skipping server of its own: two years run in seconds.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;

describe('conventionCycleWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let stack: DemoStack;
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let cooperateur: Actor;
  /** The convention's last year as the test starts: the next calendar year. */
  let year: number;
  let copilMeetingId: string;
  const fiches: Array<{ id: string; code: string; pilot: string }> = [];
  let draftPilot: string;

  beforeAll(async () => {
    stack = await startDemoStack('convention');
    ({ env, db, catcher, taskQueue, conventionId } = stack);
    cooperateur = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
    year = toLocal(new Date(await env.currentTimeMs()), ZONE).year + 1;
    await db.prisma.convention.update({
      where: { id: conventionId },
      data: { endDate: new Date(`${year}-12-31T00:00:00Z`) },
    });

    // Three fiches en œuvre with three pilots, and a draft whose pilot is never asked.
    const people = await db.prisma.person.findMany({
      where: { email: { endsWith: '@example.org' } },
      orderBy: { email: 'asc' },
      take: 4,
    });
    for (const [i, person] of people.entries()) {
      const id = randomUUID();
      const code = `FA-${year - 2}-0${i + 1}`;
      const inForce = i < 3;
      await db.prisma.ficheAction.create({
        data: {
          id,
          conventionId,
          code,
          status: inForce ? 'en_oeuvre' : 'brouillon',
          authorEmail: cooperateur.email,
          versions: {
            create: {
              version: 1,
              title: `Action ${i + 1}`,
              piloteId: person.id,
              state: inForce ? 'en_vigueur' : 'brouillon',
              createdBy: cooperateur.email,
            },
          },
        },
      });
      if (inForce) fiches.push({ id, code, pilot: person.email });
      else draftPilot = person.email;
    }
    // A COPIL meeting in March: the yearly review joins its ordre du jour.
    const copil = await db.prisma.instance.findUniqueOrThrow({
      where: { conventionId_slug: { conventionId, slug: 'copil' } },
    });
    copilMeetingId = (
      await db.prisma.meeting.create({
        data: {
          conventionId,
          instanceId: copil.id,
          title: 'COPIL de printemps',
          startsAt: atLocalTime({ year, month: 3, day: 23 }, 14, 0, ZONE),
          endsAt: atLocalTime({ year, month: 3, day: 23 }, 17, 0, ZONE),
          status: 'planifiee',
          icalUid: `${randomUUID()}@concerto`,
        },
      })
    ).id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const mails = async (subject: RegExp) => (await catcher.list()).filter((m) => subject.test(m.subject));
  const recipients = (list: CaughtMessage[]) => list.flatMap((m) => m.to).sort();
  const textOf = async (message: CaughtMessage) =>
    (await simpleParser((await catcher.readRaw(message.id))!)).text ?? '';
  const store = () => createStoreActivities(createStore(db.prisma).fiches);

  /** Records a fiche's évaluation the way its lifecycle workflow does (the recordEvaluation step's activity). */
  async function recordEvaluation(fiche: { id: string }, evaluated: number, summary: string): Promise<void> {
    await store().recordLifecycleStep({
      idempotencyKey: `test:${fiche.id}:evaluation-${evaluated}`,
      ficheId: fiche.id,
      conventionId,
      action: 'recordEvaluation',
      actorEmail: cooperateur.email,
      actorRole: 'cooperateur',
      version: 1,
      fromStage: 'en_oeuvre',
      toStage: 'en_oeuvre',
      versionInForce: 1,
      evaluation: { year: evaluated, summary, indicators: [{ label: 'Familles accueillies', value: 12, target: 10 }] },
      at: new Date(await env.currentTimeMs()).toISOString(),
    });
  }

  const audience = async (instance: string, roles?: string[]) =>
    (
      await db.prisma.membership.findMany({
        where: { instance: { conventionId, slug: instance }, ...(roles ? { role: { in: roles } } : {}) },
        include: { person: true },
      })
    ).map((m) => m.person.email);

  it(
    'asks the pilots each year, reminds only those still missing, takes the review to the COPIL, reminds the ' +
      'coordinators before the term, follows a signed prolongation into an extra year with its calendar, and ' +
      'runs the final campaign in the last year',
    { timeout: 600_000 },
    async () => {
      const handle = await env.client.workflow.start(conventionCycleWorkflow, {
        taskQueue,
        workflowId: conventionWorkflowId(conventionId),
        args: [{ conventionId, year }],
      });
      // No recurring meetings (the demo's COTECH has a rule): this calendar only shows it goes on.
      await db.prisma.instance.updateMany({ where: { conventionId }, data: { meetingRule: Prisma.DbNull } });
      const calendar = await env.client.workflow.start(calendarYearWorkflow, {
        taskQueue,
        workflowId: calendarWorkflowId(conventionId),
        args: [{ conventionId, year }],
      });
      const planned = await eventually(async () => {
        const state = await handle.query(conventionCycleStateQuery);
        return state.campaigns.length > 0 ? state : undefined;
      }, 'the plan');
      // The convention ends this year: January's campaign for last year, and the final one.
      expect(planned.campaigns.map((c) => [c.key, c.opensAt, c.deadline])).toEqual([
        [
          `annuelle-${year - 1}`,
          atLocalTime({ year, month: 1, day: 15 }, 9, 0, ZONE).toISOString(),
          atLocalTime({ year, month: 2, day: 26 }, 9, 0, ZONE).toISOString(),
        ],
        [
          `finale-${year}`,
          atLocalTime({ year, month: 9, day: 2 }, 9, 0, ZONE).toISOString(),
          atLocalTime({ year, month: 10, day: 14 }, 9, 0, ZONE).toISOString(),
        ],
      ]);

      // 15 January, 09:00: each pilot of a fiche en œuvre is asked, with the route that records it.
      const opening = atLocalTime({ year, month: 1, day: 15 }, 9, 0, ZONE);
      await sleepUntil(env, handle, new Date(opening.getTime() - MINUTE));
      expect(await mails(/^Évaluation/)).toEqual([]);
      await sleepUntil(env, handle, new Date(opening.getTime() + MINUTE));
      const invitations = await eventually(async () => {
        const list = await mails(new RegExp(`^Évaluation ${year - 1} de vos fiches actions`));
        return list.length === 3 ? list : undefined;
      }, 'the invitations');
      expect(recipients(invitations)).toEqual(fiches.map((f) => f.pilot).sort());
      expect(recipients(invitations)).not.toContain(draftPilot);
      const first = invitations.find((m) => m.to.includes(fiches[0]!.pilot))!;
      const body = await textOf(first);
      expect(body).toContain(`POST ${TEST_LINKS.publicUrl}/api/fiches/${fiches[0]!.id}/actions/recordEvaluation`);
      expect(body).toContain(fiches[0]!.code);
      expect(body).not.toContain(fiches[1]!.code);

      // The first pilot's évaluation is recorded, and the fiche's workflow tells the cycle.
      await recordEvaluation(fiches[0]!, year - 1, 'Douze familles accueillies.');
      await handle.signal(evaluationRecordedSignal, { ficheId: fiches[0]!.id, year: year - 1 });
      const afterFirst = await eventually(async () => {
        const campaign = (await handle.query(conventionCycleStateQuery)).campaigns[0]!;
        return campaign.answered.length === 1 ? campaign : undefined;
      }, 'the first answer');
      expect(afterFirst).toMatchObject({
        status: 'ouverte',
        answered: [fiches[0]!.pilot],
        pending: [fiches[1]!.pilot, fiches[2]!.pilot].sort(),
      });

      // J+14: the two others are reminded, not the one who answered.
      await sleepUntil(env, handle, atLocalTime({ year, month: 1, day: 29 }, 9, 1, ZONE));
      const firstReminders = await eventually(async () => {
        const list = await mails(/^Rappel : évaluation/);
        return list.length === 2 ? list : undefined;
      }, 'the J+14 reminders');
      expect(recipients(firstReminders)).toEqual([fiches[1]!.pilot, fiches[2]!.pilot].sort());

      // The second pilot's évaluation is recorded with no signal: the cycle reads the store before reminding.
      await recordEvaluation(fiches[1]!, year - 1, 'Deux ateliers de plus que prévu.');
      await sleepUntil(env, handle, atLocalTime({ year, month: 2, day: 12 }, 9, 1, ZONE));
      await eventually(async () => (await mails(/^Rappel : évaluation/)).length === 3, 'the J+28 reminder');
      expect(recipients(await mails(/^Rappel : évaluation/))).toEqual(
        [fiches[1]!.pilot, fiches[2]!.pilot, fiches[2]!.pilot].sort(),
      );

      // The deadline: the synthesis goes to the COPIL and the coordinators, the review joins the March COPIL.
      await sleepUntil(env, handle, atLocalTime({ year, month: 2, day: 26 }, 9, 1, ZONE));
      const closed = await eventually(async () => {
        const campaign = (await handle.query(conventionCycleStateQuery)).campaigns[0]!;
        return campaign.status === 'close' ? campaign : undefined;
      }, 'the review');
      expect(closed.review).toMatchObject({
        status: 'inscrite',
        meetingId: copilMeetingId,
        meetingTitle: 'COPIL de printemps',
      });
      expect(closed.pending).toEqual([fiches[2]!.pilot]);
      const agenda = await db.prisma.agendaItem.findMany({ where: { meetingId: copilMeetingId } });
      expect(agenda.map((a) => a.title)).toEqual([`Revue annuelle des évaluations ${year - 1}`]);
      const synthesis = await eventually(async () => {
        const list = await mails(new RegExp(`^Revue annuelle des évaluations ${year - 1} : synthèse`));
        return list.length > 0 ? list : undefined;
      }, 'the synthesis');
      const expected = [
        ...new Set([...(await audience('copil')), ...(await audience('cotech', ['charge_cooperation']))]),
      ].sort();
      expect(recipients(synthesis)).toEqual(expected);
      const summary = await textOf(synthesis[0]!);
      expect(summary).toContain('2 fiche(s) sur 3');
      expect(summary).toContain('Douze familles accueillies.');
      expect(summary).toContain('COPIL de printemps');

      // Prolongation: refused before history for a member and for an earlier date, then proposed.
      const membre = await resolveActor(db.prisma, conventionId, 'caf.conseiller-territorial@example.org', 'membre');
      const before = await acceptedUpdates(handle);
      expect(
        await updateRefusal(
          handle.executeUpdate(prolongUpdate, {
            args: [{ actor: membre, newEndDate: `${year + 1}-12-31`, motif: 'Renouvellement en préparation' }],
          }),
        ),
      ).toMatchObject({ type: 'ROLE_NOT_ALLOWED' });
      expect(
        await updateRefusal(
          handle.executeUpdate(prolongUpdate, {
            args: [{ actor: cooperateur, newEndDate: `${year}-06-30`, motif: 'Renouvellement en préparation' }],
          }),
        ),
      ).toMatchObject({
        type: 'INVALID_INPUT',
        message: expect.stringMatching(/postérieure à la fin actuelle/),
      });
      expect(await acceptedUpdates(handle)).toBe(before);
      const prolonged = await handle.executeUpdate(prolongUpdate, {
        args: [
          {
            actor: cooperateur,
            newEndDate: `${year + 1}-12-31`,
            motif: 'Le diagnostic du territoire est reporté d’un an.',
          },
        ],
      });
      // Proposed, not yet in force: the end date and the final campaign stay until the three parties sign it.
      expect(prolonged.endDate).toBe(`${year}-12-31`);
      expect(prolonged.amendments).toMatchObject([{ number: 1, status: 'projet', newEndDate: `${year + 1}-12-31` }]);
      expect(prolonged.campaigns.map((c) => c.key)).toEqual([`annuelle-${year - 1}`, `finale-${year}`]);
      expect(await db.prisma.amendment.findMany({ where: { conventionId } })).toMatchObject([
        {
          number: 1,
          status: 'projet',
          kind: 'prolongation',
          description: 'Le diagnostic du territoire est reporté d’un an.',
        },
      ]);

      // The coordinators are told of it at once, and only they.
      const coordinators = (await audience('cotech', ['charge_cooperation'])).sort();
      const proposedMails = await eventually(async () => {
        const list = await mails(/^Avenant n° 1 proposé : prolongation jusqu’au/);
        return list.length === coordinators.length ? list : undefined;
      }, 'the mails of the proposed avenant');
      expect(recipients(proposedMails)).toEqual(coordinators);
      expect(await textOf(proposedMails[0]!)).toContain('Motif : Le diagnostic du territoire est reporté d’un an.');

      // Six months before the end, the coordinators are reminded to prepare the renewal or an avenant.
      const sixMonths = atLocalTime({ year, month: 6, day: 30 }, 9, 0, ZONE);
      await sleepUntil(env, handle, new Date(sixMonths.getTime() - MINUTE));
      expect(await mails(/fin de la convention dans/)).toEqual([]);
      await sleepUntil(env, handle, new Date(sixMonths.getTime() + MINUTE));
      const termMails = await eventually(async () => {
        const list = await mails(/fin de la convention dans 6 mois/);
        return list.length === coordinators.length ? list : undefined;
      }, 'the six-month reminder');
      expect(recipients(termMails)).toEqual(coordinators);
      expect(await textOf(termMails[0]!)).toContain(`prend fin le 31 décembre ${year}`);

      // The three bodies validate the avenant, the three parties sign it: the cycle moves the end date.
      const deps = { client: env.client, store: createStore(db.prisma) };
      const today = new Date(await env.currentTimeMs());
      for (const [party, day] of [
        ['collectivite', 12],
        ['caf', 20],
        ['msa', 27],
      ] as const)
        await recordConventionSignatureStep(
          deps,
          conventionId,
          cooperateur,
          1,
          { step: 'validation', party, date: `${year}-05-${day}`, reference: `DEL-${year}-${day}` },
          today,
        );
      expect((await handle.query(conventionCycleStateQuery)).endDate).toBe(`${year}-12-31`);
      for (const party of ['collectivite', 'caf', 'msa'] as const)
        await recordConventionSignatureStep(
          deps,
          conventionId,
          cooperateur,
          1,
          { step: 'signature', party, date: `${year}-06-30` },
          today,
        );
      const signed = await eventually(async () => {
        const state = await handle.query(conventionCycleStateQuery);
        return state.endDate === `${year + 1}-12-31` ? state : undefined;
      }, 'the signed prolongation');
      // The final campaign moves to the new last year, and so do the reminders before the term.
      expect(signed.campaigns.map((c) => c.key)).toEqual([`annuelle-${year - 1}`]);
      expect(signed.termReminders.map((r) => [r.key, r.status])).toEqual([[`terme-${year}-12-31-6`, 'envoye']]);
      expect(signed.amendments).toMatchObject([{ number: 1, status: 'signe' }]);
      const convention = await db.prisma.convention.findUniqueOrThrow({
        where: { id: conventionId },
        include: { amendments: true },
      });
      expect(convention).toMatchObject({ endDate: new Date(`${year + 1}-12-31T00:00:00Z`), status: 'prolongee' });
      expect(convention.amendments).toMatchObject([
        {
          number: 1,
          status: 'signe',
          newEndDate: new Date(`${year + 1}-12-31T00:00:00Z`),
          signedAt: new Date(`${year}-06-30T00:00:00Z`),
        },
      ]);
      await eventually(
        async () => (await mails(/^Avenant n° 1 : la convention est prolongée/)).length === expected.length,
        'the amendment notices',
      );

      // No final campaign nor three-month reminder this year any more; on 1 January both the cycle and the
      // calendar go on.
      await sleepUntil(env, handle, atLocalTime({ year: year + 1, month: 1, day: 1 }, 0, 5, ZONE));
      expect(await mails(/^Bilan de la CTG/)).toEqual([]);
      expect(await mails(/fin de la convention dans 3 mois/)).toEqual([]);
      const next = await eventually(async () => {
        const state = await env.client.workflow
          .getHandle(conventionWorkflowId(conventionId))
          .query(conventionCycleStateQuery);
        return state.year === year + 1 ? state : undefined;
      }, 'the extra year');
      expect(next.campaigns.map((c) => c.key)).toEqual([`annuelle-${year}`, `finale-${year + 1}`]);
      await eventually(
        async () =>
          (await env.client.workflow.getHandle(calendar.workflowId).query(calendarYearStateQuery)).year === year + 1,
        'the calendar of the extra year',
      );

      // The extra year's January campaign asks for the prolonged year.
      await sleepUntil(env, handle, atLocalTime({ year: year + 1, month: 1, day: 15 }, 9, 1, ZONE));
      await eventually(
        async () => (await mails(new RegExp(`^Évaluation ${year} de vos fiches actions`))).length === 3,
        `the ${year} invitations`,
      );

      // The final campaign (bilan de la CTG) in the new last year, before its end date.
      await sleepUntil(env, handle, atLocalTime({ year: year + 1, month: 9, day: 2 }, 9, 1, ZONE));
      const finals = await eventually(async () => {
        const list = await mails(/^Bilan de la CTG : évaluation finale/);
        return list.length === 3 ? list : undefined;
      }, 'the final campaign');
      expect(await textOf(finals[0]!)).toMatch(/arrive à son terme/);
      // The new end date's six-month reminder went out on 30 June.
      const newTerm = await mails(/fin de la convention dans 6 mois/);
      expect(newTerm).toHaveLength(2 * coordinators.length);
      expect(await Promise.all(newTerm.map(textOf))).toContainEqual(
        expect.stringContaining(`prend fin le 31 décembre ${year + 1}`),
      );
      await recordEvaluation(fiches[2]!, year + 1, 'Action pérennisée.');
      await sleepUntil(env, handle, atLocalTime({ year: year + 1, month: 10, day: 14 }, 9, 1, ZONE));
      const finalState = await eventually(async () => {
        const campaign = (await handle.query(conventionCycleStateQuery)).campaigns.find((c) => c.kind === 'finale')!;
        return campaign.status === 'close' ? campaign : undefined;
      }, 'the bilan');
      expect(finalState.remindersSent).toHaveLength(2);
      expect(recipients(await mails(/fin de la convention dans 3 mois/))).toEqual(coordinators);
      expect(finalState.answered).toEqual([fiches[2]!.pilot]);
      // No COPIL meeting after October: its secretary is asked to schedule one.
      expect(finalState.review).toMatchObject({ status: 'a_planifier' });
      await eventually(
        async () => (await mails(/^COPIL à planifier pour le bilan/)).length > 0,
        'the request to schedule a COPIL',
      );
      expect(recipients(await mails(/^COPIL à planifier pour le bilan/))).toEqual(
        (await audience('copil', ['secretaire'])).sort(),
      );
      expect(
        await mails(new RegExp(`^Bilan de la Convention Territoriale Globale \\(évaluation ${year + 1}\\) : synthèse`)),
      ).toHaveLength(expected.length);

      // The convention ends with its last year: the cycle ends too.
      await sleepUntil(env, handle, atLocalTime({ year: year + 2, month: 1, day: 1 }, 0, 5, ZONE));
      await eventually(
        async () =>
          (await env.client.workflow.getHandle(conventionWorkflowId(conventionId)).describe()).status.name ===
          'COMPLETED',
        'the end of the cycle',
      );
    },
  );
});
