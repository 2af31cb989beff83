import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeStep, type ActionInput } from '../../client/fiche-steps.js';
import { REFERENCE_CHARTER, type InstanceKind } from '../../domain/charter.js';
import type { ActionKind, Partner } from '../../domain/lifecycle/vocabulary.js';
import { addLocalDays, dayAfterAt } from '../../domain/paris-time.js';
import { parseOpinionSubject, verifyLink } from '../../infra/links/signed-links.js';
import { resolveDemoPeople } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { ficheStateQuery, meetingScheduledSignal } from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { openTestDatabase } from '../helpers/database.js';
import { TEST_LINKS, timeSkippingEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually, idle, sleepUntil } from '../helpers/time-skipping.js';

// While the COPIL waits for the CAF's and the MSA's opinions, their referents are asked by mail,
// the silent ones reminded a week later, the coordinators told a week after that: on the
// time-skipping server, each mail is looked for just before and just after its moment.

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Handle = WorkflowHandle<typeof ficheLifecycleWorkflow>;

describe('partners asked for their opinions (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let conventionId: string;
  let people: Awaited<ReturnType<typeof resolveDemoPeople>>;

  beforeAll(async () => {
    [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    people = await resolveDemoPeople(db.prisma, conventionId);
    stack = await startTestWorker(env, db, 'partner-opinions');
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  const act = <K extends ActionKind>(handle: Handle, kind: K, input: ActionInput<K>) => takeStep(handle, kind, input);

  /** The referents of a partner as the demo seats them: people of a structure of that kind with a seat. */
  async function referentsOf(partner: Partner): Promise<string[]> {
    const found = await db.prisma.person.findMany({
      where: { structure: { kind: partner }, memberships: { some: { instance: { conventionId } } } },
    });
    return found.map((p) => p.email.toLowerCase()).sort();
  }

  async function coordinators(): Promise<string[]> {
    const found = await db.prisma.membership.findMany({
      where: { instance: { conventionId, kind: 'cotech' }, role: 'charge_cooperation' },
      include: { person: true },
    });
    return [...new Set(found.map((m) => m.person.email.toLowerCase()))].sort();
  }

  async function recipientsOf(subject: string): Promise<string[]> {
    return (await stack.catcher.list())
      .filter((m) => m.subject === subject)
      .flatMap((m) => m.to)
      .sort();
  }

  /** Waits until `expected` got the mail, then a moment for any extra one to show. */
  async function expectMail(subject: string, expected: string[]): Promise<void> {
    await eventually(async () => (await recipientsOf(subject)).length >= expected.length, `« ${subject} »`);
    await delay(200);
    expect(await recipientsOf(subject)).toEqual(expected);
  }

  async function expectNoMail(subject: string): Promise<void> {
    await delay(500);
    expect(await recipientsOf(subject)).toEqual([]);
  }

  /** A fiche whose version 1 the COTECH found favorable: it now waits for the partners and the COPIL. */
  async function ficheAwaitingPartners(name: string): Promise<{ handle: Handle; ficheId: string; code: string }> {
    const ficheId = randomUUID();
    const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `fiche-${name}-${ficheId.slice(0, 8)}`,
      args: [
        {
          ficheId,
          conventionId,
          title: `Fiche ${name}`,
          authorEmail: 'redactrice.fiche@example.org',
          charter: REFERENCE_CHARTER,
        },
      ],
    });
    const code = await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche to be recorded');
    await act(handle, 'submit', { actor: people.cooperateur });
    await holdMeeting(handle, 'cotech');
    await act(handle, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });
    return { handle, ficheId, code };
  }

  async function holdMeeting(handle: Handle, kind: InstanceKind): Promise<void> {
    const instance = await db.prisma.instance.findFirstOrThrow({ where: { conventionId, kind } });
    const startsAt = new Date((await env.currentTimeMs()) + HOUR);
    const meeting = await db.prisma.meeting.create({
      data: {
        conventionId,
        instanceId: instance.id,
        title: `${instance.name} ${startsAt.toISOString()}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * HOUR),
        status: 'planifiee',
        icalUid: `${randomUUID()}@concerto.test`,
      },
    });
    await handle.signal(meetingScheduledSignal, { instanceKind: kind });
    await eventually(
      async () => (await handle.query(ficheStateQuery)).agenda?.meetingId === meeting.id,
      'the fiche on the agenda',
    );
    await sleepUntil(env, handle, new Date(startsAt.getTime() + MINUTE));
    // Held: no later test's fiche is put on its agenda.
    await db.prisma.meeting.update({ where: { id: meeting.id }, data: { status: 'tenue' } });
  }

  async function end(handle: Handle): Promise<void> {
    await act(handle, 'withdraw', { actor: people.cooperateur, reason: 'Fin du test' });
    await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', 'the workflow to end');
  }

  it(
    'asks each referent with a link of their own, reminds the silent MSA on day 7 at 09:00 and tells ' +
      'the coordinators on day 14; the CAF, who answered, is not reminded',
    async () => {
      const { handle, ficheId, code } = await ficheAwaitingPartners('silence');
      const askedAt = new Date(await env.currentTimeMs());
      const [caf, msa] = [await referentsOf('caf'), await referentsOf('msa')];
      expect(caf).toContain(people.caf.email);
      expect(msa).toContain(people.msa.email);
      await expectMail(`Avis de la CAF demandé sur la fiche ${code}`, caf);
      await expectMail(`Avis de la MSA demandé sur la fiche ${code}`, msa);

      // Each referent's link: signed for the opinion, on this version, for that partner and that person.
      const request = (await stack.catcher.list()).find(
        (m) => m.subject === `Avis de la MSA demandé sur la fiche ${code}` && m.to.includes(people.msa.email),
      )!;
      const text = (await simpleParser((await stack.catcher.readRaw(request.id))!)).text ?? '';
      const link = /Donner l’avis de la MSA : (\S+)/.exec(text)?.[1] ?? '';
      expect(link.startsWith(`${TEST_LINKS.publicUrl}/avis/`)).toBe(true);
      const payload = verifyLink(link.split('/avis/')[1]!, TEST_LINKS.secret, { purpose: 'opinion' });
      expect(parseOpinionSubject(payload.subject)).toEqual({ ficheId, version: 1 });
      expect([payload.email, payload.answer]).toEqual([people.msa.email, 'msa']);

      await sleepUntil(env, handle, new Date(askedAt.getTime() + 3 * DAY));
      await act(handle, 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });

      const reminder = addLocalDays(dayAfterAt(askedAt, 9, 0, ZONE), 6, ZONE);
      await sleepUntil(env, handle, new Date(reminder.getTime() - MINUTE));
      await expectNoMail(`Rappel : avis de la MSA attendu sur la fiche ${code}`);
      await sleepUntil(env, handle, new Date(reminder.getTime() + MINUTE));
      await expectMail(`Rappel : avis de la MSA attendu sur la fiche ${code}`, msa);
      expect(await recipientsOf(`Rappel : avis de la CAF attendu sur la fiche ${code}`)).toEqual([]);
      // The reminder's link is a fresh one.
      const reminded = (await stack.catcher.list()).find(
        (m) => m.subject === `Rappel : avis de la MSA attendu sur la fiche ${code}` && m.to.includes(people.msa.email),
      )!;
      const second = /Donner l’avis de la MSA : (\S+)/.exec(
        (await simpleParser((await stack.catcher.readRaw(reminded.id))!)).text ?? '',
      )?.[1];
      expect(second).toBeDefined();
      expect(second).not.toBe(link);

      const escalation = addLocalDays(dayAfterAt(askedAt, 9, 0, ZONE), 13, ZONE);
      const told = `Relance : avis de la MSA attendu sur la fiche ${code}`;
      await sleepUntil(env, handle, new Date(escalation.getTime() - MINUTE));
      await expectNoMail(told);
      await sleepUntil(env, handle, new Date(escalation.getTime() + MINUTE));
      await expectMail(told, await coordinators());

      // Late, but taken; nobody is told anything more.
      await act(handle, 'recordPartnerOpinion', {
        actor: people.msa,
        partner: 'msa',
        opinion: 'reserve',
        comment: 'Préciser les financeurs.',
      });
      await sleepUntil(env, handle, new Date(escalation.getTime() + 10 * DAY));
      await idle(handle);
      expect(await recipientsOf(told)).toEqual(await coordinators());
      expect(await recipientsOf(`Rappel : avis de la MSA attendu sur la fiche ${code}`)).toEqual(msa);
      // Every mail recorded once in the ledger, as sent.
      const lines = await db.prisma.notification.findMany({
        where: { idempotencyKey: { startsWith: `${handle.workflowId}:` } },
      });
      const asked = lines.filter((l) => /^(Avis de la (CAF|MSA) demandé|Rappel : avis|Relance : avis)/.test(l.subject));
      expect(asked.map((l) => l.status).every((s) => s === 'sent')).toBe(true);
      expect(asked).toHaveLength(caf.length + 2 * msa.length + (await coordinators()).length);
      await end(handle);
    },
  );

  it('reminds nobody and tells nobody when both opinions arrive within the week', async () => {
    const { handle, code } = await ficheAwaitingPartners('a-temps');
    const askedAt = new Date(await env.currentTimeMs());
    await expectMail(`Avis de la CAF demandé sur la fiche ${code}`, await referentsOf('caf'));
    await act(handle, 'recordPartnerOpinion', { actor: people.msa, partner: 'msa', opinion: 'favorable' });
    await sleepUntil(env, handle, new Date(askedAt.getTime() + 6 * DAY));
    await act(handle, 'recordPartnerOpinion', {
      actor: people.caf,
      partner: 'caf',
      opinion: 'defavorable',
      comment: 'Hors de nos priorités.',
    });
    await sleepUntil(env, handle, new Date(askedAt.getTime() + 16 * DAY));
    await idle(handle);
    const late = (await stack.catcher.list()).filter(
      (m) => m.subject.includes(code) && /^(Rappel : avis|Relance : avis)/.test(m.subject),
    );
    expect(late).toEqual([]);
    await end(handle);
  });
});
