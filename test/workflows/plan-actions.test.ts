import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/lifecycle/model.js';
import { addLocalDays, atLocalTime, shiftDate, toLocal } from '../../domain/paris-time.js';
import type { MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { planActionsWorkflow } from '../../workflows/plan-actions.js';
import {
  advancePlanUpdate,
  planActionsStateQuery,
  planWorkflowId,
  type AdvancePlanInput,
} from '../../workflows/plan-actions-definitions.js';
import { startDemoStack, type DemoStack } from '../helpers/demo-stack.js';
import { eventually, sleepUntil } from '../helpers/time-skipping.js';
import { TEST_LINKS } from '../helpers/temporal.js';
import { acceptedUpdates, updateRefusal } from '../helpers/updates.js';

// The plan d'actions on a time-skipping server of its own: months of writing run in seconds.

const ZONE = 'Europe/Paris';

describe('planActionsWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let stack: DemoStack;
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let cooperateur: Actor;
  let secretariat: Actor;
  let president: Actor;
  let parent: Actor;

  beforeAll(async () => {
    stack = await startDemoStack('plan-actions');
    ({ env, db, catcher, taskQueue, conventionId } = stack);
    cooperateur = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
    secretariat = await resolveActor(
      db.prisma,
      conventionId,
      'secretariat.assemblees@example.org',
      'secretaire_instance',
    );
    president = await resolveActor(db.prisma, conventionId, 'president@example.org', 'membre');
    parent = await resolveActor(db.prisma, conventionId, 'parent.usager@example.org', 'membre');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const mails = async (subject: RegExp) => (await catcher.list()).filter((m) => subject.test(m.subject));
  const members = async (instance: string, roles?: string[]) =>
    (
      await db.prisma.membership.findMany({
        where: { instance: { conventionId, slug: instance }, ...(roles ? { role: { in: roles } } : {}) },
        include: { person: true },
      })
    )
      .map((m) => m.person.email.toLowerCase())
      .sort();

  it(
    'reminds the groupe d’élaboration monthly (three times at most), refuses a wrong stage or role before history, ' +
      'records each step with its mail, sends the plan back from the Bureau, and ends once presented to the conseil',
    { timeout: 300_000 },
    async () => {
      const store = createStore(db.prisma);
      const plan = await store.plans.open({
        conventionId,
        startYear: 2023,
        endYear: 2027,
        workflowIdOf: planWorkflowId,
      });
      const handle = await env.client.workflow.start(planActionsWorkflow, {
        taskQueue,
        workflowId: plan.workflowId!,
        args: [{ planId: plan.id, conventionId }],
      });
      const started = await eventually(async () => {
        const state = await handle.query(planActionsStateQuery);
        return state.period ? state : undefined;
      }, 'the plan read');
      expect(started.lifecycle.stage).toBe('elaboration');
      const opened = new Date(plan.createdAt);
      const firstReminder = atLocalTime(shiftDate(toLocal(opened, ZONE), 30), 9, 0, ZONE);
      expect(started.nextReminder).toBe(firstReminder.toISOString());

      // Refused before anything enters history: a step of another stage, a person who may not take it.
      const wrongStage = await updateRefusal(
        handle.executeUpdate(advancePlanUpdate, { args: [{ kind: 'submitToBureau', actor: cooperateur }] }),
      );
      expect(wrongStage.type).toBe('WRONG_STAGE');
      expect(wrongStage.message).toContain('Le plan d’actions est en élaboration avec le groupe d’élaboration');
      const wrongRole = await updateRefusal(
        handle.executeUpdate(advancePlanUpdate, { args: [{ kind: 'finishElaboration', actor: parent }] }),
      );
      expect(wrongRole.type).toBe('ROLE_NOT_ALLOWED');
      expect(await acceptedUpdates(handle)).toBe(0);

      // A month on, then every month: the groupe d'élaboration is reminded, three times and no more.
      await sleepUntil(env, handle, new Date(firstReminder.getTime() - 60_000));
      expect(await mails(/^Rappel : Plan d’actions/)).toEqual([]);
      await sleepUntil(env, handle, addLocalDays(firstReminder, 100, ZONE));
      const reminders = await eventually(async () => {
        const list = await mails(/^Rappel : Plan d’actions 2023-2027, en élaboration/);
        return list.length === 3 * (await members('groupe-elaboration')).length ? list : undefined;
      }, 'three reminders to each member of the groupe');
      expect([...new Set(reminders.flatMap((m) => m.to))].sort()).toEqual(await members('groupe-elaboration'));
      const reminderText = (await simpleParser((await catcher.readRaw(reminders[0]!.id))!)).text ?? '';
      expect(reminderText).toContain('achever l’élaboration du plan d’actions');
      expect(reminderText).toContain(`${TEST_LINKS.publicUrl}/plan-actions`);
      expect((await handle.query(planActionsStateQuery)).nextReminder).toBeNull();

      // The steps: each recorded with the plan (stage, history, audit line) and told to the groupe and the next body.
      const step = (args: AdvancePlanInput) => handle.executeUpdate(advancePlanUpdate, { args: [args] });
      await step({ kind: 'finishElaboration', actor: cooperateur });
      await step({ kind: 'submitToBureau', actor: cooperateur });
      const sentBack = await step({
        kind: 'recordBureauDecision',
        actor: secretariat,
        outcome: 'a_reprendre',
        comment: 'Chiffrer les actions de l’enjeu 2.',
      });
      expect(sentBack.lifecycle.stage).toBe('ecriture');
      // The groupe and the writers (the COTECH's chargés de coopération, who act next), each once.
      const expected = [
        ...new Set([...(await members('groupe-elaboration')), ...(await members('cotech', ['charge_cooperation']))]),
      ].sort();
      const bureauMails = await eventually(async () => {
        const list = await mails(/^Plan d’actions 2023-2027 — Décision du Bureau communautaire : à reprendre$/);
        return list.length >= expected.length ? list : undefined;
      }, 'the Bureau’s decision told');
      expect(bureauMails.flatMap((m) => m.to).sort()).toEqual(expected);
      expect((await simpleParser((await catcher.readRaw(bureauMails[0]!.id))!)).text).toContain(
        'Commentaire : Chiffrer les actions de l’enjeu 2.',
      );
      await step({ kind: 'submitToBureau', actor: cooperateur });
      const presidentTooEarly = await updateRefusal(step({ kind: 'recordPresentation', actor: president }));
      expect(presidentTooEarly.type).toBe('WRONG_STAGE');
      await step({ kind: 'recordBureauDecision', actor: president, outcome: 'valide' });
      await step({ kind: 'recordPresentation', actor: secretariat });
      const final = await handle.result();
      expect(final.lifecycle.stage).toBe('presentee');

      const recorded = await store.plans.find({ conventionId });
      expect(recorded?.stage).toBe('presentee');
      expect(recorded?.history.map((h) => [h.action, h.to, h.by])).toEqual([
        ['finishElaboration', 'ecriture', cooperateur.email],
        ['submitToBureau', 'attente_bureau', cooperateur.email],
        ['recordBureauDecision', 'ecriture', secretariat.email],
        ['submitToBureau', 'attente_bureau', cooperateur.email],
        ['recordBureauDecision', 'validee', president.email],
        ['recordPresentation', 'presentee', secretariat.email],
      ]);
      const audit = await db.prisma.auditEvent.findMany({
        where: { subject: `plan:${plan.id}` },
        orderBy: { at: 'asc' },
      });
      expect(audit.map((a) => a.action)).toEqual([
        'plan.finishElaboration',
        'plan.submitToBureau',
        'plan.recordBureauDecision',
        'plan.submitToBureau',
        'plan.recordBureauDecision',
        'plan.recordPresentation',
      ]);
      // The presentation is told to the conseil's recorders too; the plan's mails carry the convention's List-Id.
      const presented = await eventually(async () => {
        const list = await mails(/^Plan d’actions 2023-2027 — Présentation au conseil communautaire$/);
        return list.length > 0 ? list : undefined;
      }, 'the presentation told');
      // Headers unfolded (RFC 5322): a long List-ID continues on the next line.
      const raw = (await catcher.readRaw(presented[0]!.id))!.toString().replace(/\r?\n[ \t]+/g, ' ');
      expect(raw).toMatch(/^List-ID: .*<ctg-mellois-en-poitou-2023-2027\./im);
    },
  );
});
