import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../infra/database.js';
import { startMailCatcher, type MailCatcher } from '../../infra/mail-catcher.js';
import { createMailTransport } from '../../infra/mail-transport.js';
import { createConcertoWorker } from '../../worker/create-worker.js';
import {
  ficheStateQuery,
  recordDecisionUpdate,
  type FicheLifecycleInput,
} from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { timeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('ficheLifecycleWorkflow (time-skipping server, real store and SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let catcher: MailCatcher;
  let outboxDir: string;
  let conventionId: string;

  beforeAll(async () => {
    env = await timeSkippingEnv();
    db = await openTestDatabase('pglite');
    outboxDir = await mkdtemp(path.join(os.tmpdir(), 'concerto-outbox-'));
    catcher = await startMailCatcher({ dir: outboxDir });
    conventionId = (await createTestConvention(db.prisma)).id;
  });

  afterAll(async () => {
    await catcher?.close();
    await db?.close();
    await env?.teardown();
    await rm(outboxDir, { recursive: true, force: true });
  });

  async function withWorker<T>(run: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = uniqueTaskQueue('fiche');
    const transport = createMailTransport({ kind: 'catcher', host: catcher.host, port: catcher.port });
    const worker: Worker = await createConcertoWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      prisma: db.prisma,
      transport,
      mailFrom: 'Concerto <concerto@example.org>',
      workflowBundle: workflowBundle(),
    });
    try {
      return await worker.runUntil(run(taskQueue));
    } finally {
      transport.close();
    }
  }

  const fiche = (ficheId: string): FicheLifecycleInput => ({
    ficheId,
    conventionId,
    title: 'Accueil des familles à Melle',
    authorEmail: 'cooperatrice@example.org',
  });

  it('records the COTECH avis, writes the domain, and mails the author once', async () => {
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
        taskQueue,
        workflowId: 'fiche-happy',
        args: [fiche('happy')],
      });
      const state = await handle.executeUpdate(recordDecisionUpdate, {
        args: [{ outcome: 'favorable', comment: 'Bien construite.', actor: { email: 'Secretariat@Example.org', role: 'secretaire_instance' } }],
      });
      expect(state.stage).toBe('avis_favorable');
      const result = await handle.result();
      expect(result.notified).toEqual(['fiche-happy:avis-cotech:cooperatrice@example.org']);
    });

    const row = await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: 'happy' }, include: { decisions: true, versions: true } });
    expect(row.status).toBe('avis_favorable');
    expect(row.versions.map((v) => v.title)).toEqual(['Accueil des familles à Melle']);
    expect(row.decisions).toHaveLength(1);
    expect(row.decisions[0]).toMatchObject({ outcome: 'favorable', actorEmail: 'secretariat@example.org', comment: 'Bien construite.' });
    const audit = await db.prisma.auditEvent.findMany({ where: { subject: 'fiche:happy' } });
    expect(audit).toEqual([expect.objectContaining({ actor: 'secretariat@example.org', action: 'fiche.avis_cotech.recorded' })]);

    const mails = (await catcher.list()).filter((m) => m.subject.includes('Accueil des familles à Melle'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['cooperatrice@example.org']);
    expect(mails[0]!.subject).toBe('Avis du COTECH sur la fiche « Accueil des familles à Melle » : favorable');
    const ledger = await db.prisma.notification.findUniqueOrThrow({ where: { idempotencyKey: 'fiche-happy:avis-cotech:cooperatrice@example.org' } });
    expect(ledger).toMatchObject({ status: 'sent', attempts: 1, messageId: mails[0]!.messageId });
  });

  it('refuses a wrong role, a wrong stage and bad input in the validator, leaving no trace in history', async () => {
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
        taskQueue,
        workflowId: 'fiche-refusals',
        args: [fiche('refusals')],
      });
      const refused = async (input: unknown) => {
        const error = await handle
          .executeUpdate(recordDecisionUpdate, { args: [input as never] })
          .then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        return (error as WorkflowUpdateFailedError).cause as { type?: string; message: string };
      };

      const role = await refused({ outcome: 'favorable', actor: { email: 'membre@example.org', role: 'membre' } });
      expect(role.type).toBe('ROLE_NOT_ALLOWED');
      expect(role.message).toMatch(/secrétariat du COTECH/);
      const outcome = await refused({ outcome: 'peut-être', actor: { email: 's@example.org', role: 'secretaire_instance' } });
      expect(outcome.type).toBe('INVALID_INPUT');
      const comment = await refused({ outcome: 'a_retravailler', actor: { email: 's@example.org', role: 'secretaire_instance' } });
      expect(comment.message).toMatch(/ajoutez un commentaire/);

      await handle.executeUpdate(recordDecisionUpdate, {
        args: [{ outcome: 'a_retravailler', comment: 'Préciser le public visé.', actor: { email: 's@example.org', role: 'secretaire_instance' } }],
      });
      const stage = await refused({ outcome: 'favorable', actor: { email: 's@example.org', role: 'secretaire_instance' } });
      expect(stage.type).toBe('WRONG_STAGE');
      await handle.result();

      const { events } = await handle.fetchHistory();
      const updates = (events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(updates).toHaveLength(1);
      expect(await handle.query(ficheStateQuery)).toMatchObject({ stage: 'brouillon' });
    });
    const decisions = await db.prisma.decision.findMany({ where: { ficheId: 'refusals' } });
    expect(decisions.map((d) => d.outcome)).toEqual(['a_retravailler']);
  });
});
