import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database/open-database.js';
import { parseCharter, type InstanceKind } from '../../domain/charter.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import {
  actionUpdates,
  ficheStateQuery,
  ficheWorkflowId,
  meetingScheduledSignal,
  type FicheLifecycleInput,
} from '../../workflows/definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { devServerEnv, startTestWorkerProcess, uniqueTaskQueue } from '../helpers/temporal.js';

/** The COTECH's secretary in the demo convention: records its avis. */
const COTECH_SECRETARY = 'assistante.education@example.org';
/** How far ahead the COTECH meeting starts: the avis is taken at the meeting. */
const MEETING_LEAD_MS = 2_000;

/** Polls until `check` returns a value, or fails after `ms` with `what`. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    // A query may time out while the new worker starts (bundles, replays): asked again until the deadline.
    const value = await check().catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('a worker killed mid-workflow', () => {
  let env: TestWorkflowEnvironment;
  let db: Database & { url?: string };
  let sink: SmtpSink;
  const workers: ChildProcess[] = [];
  const taskQueue = uniqueTaskQueue('crash');
  let conventionId: string;

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('postgres');
    sink = await new SmtpSink().start();
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** A standalone worker (`npm run worker`) in its own process, on the test's queue. */
  function startWorker(): ChildProcess {
    const { child } = startTestWorkerProcess({ taskQueue, databaseUrl: db.url!, smtpUrl: sink.url });
    workers.push(child);
    return child;
  }

  /** The sorted addresses of the members of the convention's instances of that kind (with one of `roles`). */
  async function membersOf(instanceKind: InstanceKind, roles?: readonly string[]): Promise<string[]> {
    const memberships = await db.prisma.membership.findMany({
      where: { instance: { conventionId, kind: instanceKind }, ...(roles ? { role: { in: [...roles] } } : {}) },
      select: { person: { select: { email: true } } },
    });
    return [...new Set(memberships.map((m) => m.person.email.toLowerCase()))].sort();
  }
  /** Who speaks for the CAF or the MSA in the convention: asked for its opinion by a link of their own. */
  async function referentsOf(partner: 'caf' | 'msa'): Promise<string[]> {
    const people = await db.prisma.person.findMany({
      where: { structure: { kind: partner }, memberships: { some: { instance: { conventionId } } } },
      select: { email: true },
    });
    return [...new Set(people.map((p) => p.email.toLowerCase()))].sort();
  }

  it('is replaced by a new worker that finishes the sending, with nothing lost or sent twice', async () => {
    const first = startWorker();
    const ficheId = `crash-${randomUUID()}`;
    const author = 'pilote@example.org';
    const convention = await db.prisma.convention.findUniqueOrThrow({ where: { id: conventionId } });
    const input: FicheLifecycleInput = {
      ficheId,
      conventionId,
      title: 'Lieu d’accueil enfants-parents',
      authorEmail: author,
      charter: parseCharter(convention.charter),
      timing: { zone: convention.timezone },
    };
    const handle = await env.client.workflow.start('ficheLifecycleWorkflow', {
      taskQueue,
      workflowId: ficheWorkflowId(ficheId),
      args: [input],
    });
    const key = (step: string, to: string) => `${handle.workflowId}:${step}:${to}`;
    const state = () => handle.query(ficheStateQuery);
    await eventually('the fiche row', () => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }));

    // The submission tells the COTECH and the author; those mails go through before the crash.
    const submitted = await handle.executeUpdate(actionUpdates.submit, {
      args: [{ actor: await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur') }],
    });
    expect(submitted.lifecycle.stage).toBe('soumise');
    // Told to those who record the body's decisions (domain/fiche-notices.ts): the COTECH's secretary.
    const recorders = (kind: InstanceKind) => membersOf(kind, input.charter.decisionRecorders[kind]);
    const cotech = await recorders('cotech');
    expect(cotech).toEqual([COTECH_SECRETARY]);
    const submitKeys = [...cotech.map((to) => key('step-1:soumission', to)), key('step-1:soumission-auteur', author)];
    await eventually('the submission’s mails', async () => {
      const { notified } = await state();
      return notified.length === submitKeys.length && submitKeys.every((k) => notified.includes(k));
    });
    expect(sink.accepted).toHaveLength(submitKeys.length);

    // A COTECH meeting starting now-ish: the workflow puts the fiche on its agenda when told.
    const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
    const meeting = await db.prisma.meeting.create({
      data: {
        conventionId,
        instanceId: (
          await db.prisma.instance.findUniqueOrThrow({ where: { conventionId_slug: { conventionId, slug: 'cotech' } } })
        ).id,
        title: 'COTECH',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        status: 'planifiee',
        icalUid: `${randomUUID()}@concerto`,
      },
    });
    await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
    const { agenda } = await eventually('the fiche on the agenda', async () => {
      const current = await state();
      return current.agenda ? current : undefined;
    });
    expect(agenda).toMatchObject({ instanceKind: 'cotech', meetingId: meeting.id });
    await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 200);

    // The relay reads the mails of the avis but has said 250 to none when the worker dies: its notices go out
    // several lines at a time, so several are cut mid-transaction.
    sink.holdAll();
    const avis = handle.executeUpdate(actionUpdates.recordAvis, {
      args: [
        {
          outcome: 'favorable',
          actor: await resolveActor(db.prisma, conventionId, COTECH_SECRETARY, 'secretaire_instance'),
        },
      ],
    });
    // Whether the update answers before its mails or after them, the held one arrives first.
    await Promise.race([sink.heldArrived, avis.then(() => sink.heldArrived)]);
    first.kill('SIGKILL');
    await eventually('the relay to see the sender go', async () => sink.abandoned.length > 0 && sink.held === 0);
    // The cut mails are the avis's: its notices, and the partners' requests for their opinions, which leave at
    // the same moment. None of the avis's was accepted before the kill.
    const heldKeys = sink.abandoned.map((m) => m.parsed.headers.get('x-concerto-key') as string);
    expect(sink.accepted.map((m) => m.parsed.headers.get('x-concerto-key')).toSorted()).toEqual(submitKeys.toSorted());
    sink.accept();

    startWorker();
    expect((await avis).lifecycle.stage).toBe('attente_copil');
    const avisKeys = [
      key('step-2:avis-cotech', author),
      ...(await membersOf('gtt')).map((to) => key('step-2:avis-cotech-gtt', to)),
      ...(await recorders('copil')).map((to) => key('step-2:transmission-copil', to)),
      ...(await referentsOf('caf')).map((to) => key('avis-caf-v1', to)),
      ...(await referentsOf('msa')).map((to) => key('avis-msa-v1', to)),
    ];
    expect(avisKeys).toEqual(expect.arrayContaining(heldKeys));
    const expected = [...submitKeys, ...avisKeys];
    const { notified } = await eventually('every mail of the avis', async () => {
      const current = await state();
      return current.notified.length >= expected.length ? current : undefined;
    });
    // A notice's recipients may be mailed in any order: compare the sets.
    expect(notified.toSorted()).toEqual(expected.toSorted());

    // Each key reached the relay exactly once.
    const delivered = sink.accepted.map((m) => m.parsed.headers.get('x-concerto-key') as string);
    expect(delivered.toSorted()).toEqual(expected.toSorted());
    const ledger = await db.prisma.notification.findMany({
      where: { idempotencyKey: { startsWith: `${handle.workflowId}:` } },
    });
    expect(ledger).toHaveLength(expected.length);
    // Every line sent; the cut ones on their second attempt (the retry of their activity sent only the lines not
    // sent yet); none tried more than twice.
    expect(ledger.filter((row) => row.status !== 'sent')).toEqual([]);
    for (const heldKey of heldKeys) expect(ledger.find((row) => row.idempotencyKey === heldKey)?.attempts).toBe(2);
    expect(ledger.filter((row) => row.attempts > 2)).toEqual([]);
    // Each retry reused the Message-ID of its abandoned attempt.
    for (const cut of sink.abandoned) {
      const heldKey = cut.parsed.headers.get('x-concerto-key') as string;
      const held = ledger.find((row) => row.idempotencyKey === heldKey)!;
      const redelivered = sink.accepted.filter((m) => m.parsed.headers.get('x-concerto-key') === heldKey);
      expect(redelivered.map((m) => [m.to, m.messageId])).toEqual([[cut.to, held.messageId]]);
      expect(cut.messageId).toBe(held.messageId);
    }

    expect(
      await db.prisma.decision.findMany({ where: { ficheId }, select: { outcome: true, meetingId: true } }),
    ).toEqual([{ outcome: 'favorable', meetingId: meeting.id }]);
    expect(await db.prisma.auditEvent.count({ where: { subject: `fiche:${ficheId}` } })).toBe(2);
    expect((await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } })).status).toBe('attente_copil');
  }, 120_000);
});
