import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { takeStep } from '../../client/fiche-steps.js';
import { buildTimeline } from '../../client/history-timeline.js';
import { MEMBER_ROLES, REFERENCE_CHARTER, type Charter } from '../../domain/charter.js';
import type { FicheState } from '../../domain/fiche-views.js';
import type { Actor } from '../../domain/lifecycle/model.js';
import { toHttpError } from '../../server/errors.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { DEFAULT_TIMING, editContentUpdate, ficheStateQuery } from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { openTestDatabase } from '../helpers/database.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { timeSkippingEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

// Nothing wedges a fiche: one member's address refused for good, or a value the database refuses.
// The time-skipping server (its clock is not moved here), PGlite with the demo, a real SMTP server.

type Handle = WorkflowHandle<typeof ficheLifecycleWorkflow>;
const AUTHOR = 'redactrice.fiche@example.org';

describe('refusals do not wedge a fiche (time-skipping server, PGlite, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let sink: SmtpSink;
  let stack: TestWorker;
  let conventionId: string;
  let cooperateur: Actor;
  const admin: Actor = { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} };
  const started: Handle[] = [];

  beforeAll(async () => {
    [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    cooperateur = await resolveActor(db.prisma, conventionId, 'directrice.education@example.org', 'cooperateur');
    sink = await new SmtpSink().start();
    stack = await startTestWorker(env, db, 'refusals', { smtpUrl: sink.url });
  });

  afterEach(async () => {
    for (const handle of started.splice(0)) {
      if ((await handle.describe()).status.name === 'RUNNING') await handle.terminate('end of test');
    }
  });

  afterAll(async () => {
    await stack?.stop();
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  /**
   * Every member of the COTECH records its avis here, so a submission is mailed to each of them
   * (domain/fiche-notices.ts): one notice to many people, one of whom is refused.
   */
  const charter: Charter = {
    ...REFERENCE_CHARTER,
    decisionRecorders: { ...REFERENCE_CHARTER.decisionRecorders, cotech: [...MEMBER_ROLES] },
  };

  async function startFiche(name: string): Promise<Handle> {
    const ficheId = randomUUID();
    const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `fiche-${name}-${ficheId.slice(0, 8)}`,
      args: [{ ficheId, conventionId, title: `Fiche ${name}`, authorEmail: AUTHOR, charter }],
    });
    started.push(handle);
    await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche to be recorded');
    return handle;
  }

  /** No activity in flight, none retrying: the workflow waits for a person. */
  const idle = (handle: Handle) =>
    eventually(async () => {
      const { raw } = await handle.describe();
      return (raw.pendingActivities?.length ?? 0) === 0;
    }, 'no activity in flight');

  it('one COTECH member refused (550 5.1.1): the others get it, people are told, the fiche goes on', async () => {
    const handle = await startFiche('adresse-refusee');
    const cotech = (
      await db.prisma.membership.findMany({
        where: { instance: { conventionId, kind: 'cotech' } },
        include: { person: true },
      })
    ).map((m) => ({ email: m.person.email.toLowerCase(), role: m.role }));
    const coordinators = [
      ...new Set(cotech.filter((m) => DEFAULT_TIMING.coordinators.roles.includes(m.role as never)).map((m) => m.email)),
    ];
    const refused = cotech.find((m) => !coordinators.includes(m.email) && m.email !== cooperateur.email)!.email;
    const others = [...new Set(cotech.map((m) => m.email))].filter((e) => e !== refused);
    expect(coordinators.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(1);
    sink.refuseAddress(refused, 550, `5.1.1 <${refused}>: Recipient address rejected: User unknown`);

    await takeStep(handle, 'submit', { actor: cooperateur });
    const workflowId = handle.workflowId;
    const lines = await eventually(async () => {
      const rows = await db.prisma.notification.findMany({
        where: { idempotencyKey: { startsWith: `${workflowId}:step-1:` } },
      });
      const done = rows.filter((r) => r.status === 'sent' || r.status === 'failed');
      return done.length === others.length + 2 && rows.length === done.length ? rows : undefined;
    }, 'every submission notice settled');
    const byRecipient = new Map(lines.map((l) => [l.recipient.toLowerCase(), l]));
    expect(byRecipient.get(refused)).toMatchObject({ status: 'failed' });
    expect(byRecipient.get(refused)!.lastResponse).toMatch(/^550 5\.1\.1/);
    for (const email of [...others, AUTHOR]) expect(byRecipient.get(email)?.status, email).toBe('sent');
    const messageIds = new Set(lines.map((l) => l.messageId));
    const received = sink.accepted.filter((m) => messageIds.has(m.messageId ?? '')).flatMap((m) => m.to);
    expect(received.sort()).toEqual([...others, AUTHOR].sort());

    // The author and the coordinators are told, by mail, once each; the refused address is flagged.
    const alerts = await eventually(async () => {
      const found = sink.accepted.filter((m) => m.subject === `Courriel non remis à ${refused}`);
      return found.length >= coordinators.length + 1 ? found : undefined;
    }, 'the alerts');
    expect(alerts.flatMap((m) => m.to).sort()).toEqual([AUTHOR, ...coordinators].sort());
    expect(alerts[0]!.parsed.text).toContain('550 5.1.1');
    const person = await db.prisma.person.findFirstOrThrow({
      where: { email: { equals: refused, mode: 'insensitive' } },
    });
    expect(person.mailRefusal).toMatch(/^550 5\.1\.1/);

    // The workflow takes the next step and ends well.
    await takeStep(handle, 'withdraw', { actor: admin, reason: 'Fin du test' });
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 'the workflow to complete');

    // The admin's timeline shows that mail as not delivered, in French.
    const timeline = buildTimeline(
      workflowId,
      await handle.fetchHistory(),
      await createStore(db.prisma).mailLedger.ofWorkflow(workflowId),
    );
    // The notice to several people says which of them its mail did not reach.
    const entry = timeline.find(
      (e) => e.kind === 'mail' && e.mails?.some((mail) => mail.recipient.toLowerCase() === refused),
    );
    expect(entry).toMatchObject({ failed: true });
    expect(entry!.outcome).toMatch(
      new RegExp(
        `^${refused.replace(/\./g, '\\.')} : ` +
          String.raw`non remis \(adresse refusée par le serveur du destinataire\) : 550 5\.1\.1`,
        'i',
      ),
    );
    sink.accept();
  });

  it('a value the database refuses answers DATA_REFUSED; the fiche stays at its step, takes the next try', async () => {
    const handle = await startFiche('valeur-refusee');
    // A rule the domain does not know, so only the database refuses: SQLSTATE 23514 (class 23).
    await db.prisma.$executeRawUnsafe(
      `ALTER TABLE "FicheVersion" ADD CONSTRAINT "test_refused_title" CHECK ("title" NOT LIKE '%[refusé]%')`,
    );
    try {
      const edit = (title: string) =>
        handle.executeUpdate(editContentUpdate, { args: [{ actor: cooperateur, edit: { title } }] });
      const error = await edit('Titre [refusé]').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      let cause = (error as WorkflowUpdateFailedError).cause;
      if (cause instanceof ActivityFailure) cause = cause.cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'DATA_REFUSED', nonRetryable: true });
      expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ code: '23514' });
      const http = toHttpError(error);
      expect([http.status, http.code]).toEqual([422, 'DATA_REFUSED']);
      expect(http.message).toMatch(/^La base de données a refusé une valeur/);

      // Not retried, not stuck: nothing in flight, the fiche as it was, still taking steps.
      await idle(handle);
      const before: FicheState = await handle.query(ficheStateQuery);
      expect(before).toMatchObject({ title: 'Fiche valeur-refusee', edits: [] });
      expect(before.lifecycle.stage).toBe('brouillon');
      const after = await edit('Titre accepté');
      expect(after.title).toBe('Titre accepté');
      expect(after.edits).toHaveLength(1);
      const submitted = await takeStep(handle, 'submit', { actor: cooperateur });
      expect(submitted.lifecycle.stage).not.toBe('brouillon');
    } finally {
      await db.prisma.$executeRawUnsafe(`ALTER TABLE "FicheVersion" DROP CONSTRAINT "test_refused_title"`);
    }
  });
});
