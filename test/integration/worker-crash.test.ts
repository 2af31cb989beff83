import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../infra/database.js';
import { ficheWorkflowId, recordDecisionUpdate } from '../../workflows/definitions.js';
import { createTestConvention } from '../helpers/convention.js';
import { openTestDatabase } from '../helpers/database.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { devServerEnv, uniqueTaskQueue } from '../helpers/temporal.js';

/** Polls until `check` returns a value, or fails after `ms` with `what`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
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
    conventionId = (await createTestConvention(db.prisma)).id;
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  /** A standalone worker (`npm run worker`) in its own process, on the test's queue. */
  function startWorker(): ChildProcess {
    // One process, as `npm run worker` runs it: a SIGKILL reaches the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('devServerAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: db.url,
        SMTP_URL: sink.url,
        MAIL_FROM: 'Concerto <concerto@example.org>',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') console.error(`worker exited ${code ?? signal}:\n${output}`);
    });
    workers.push(child);
    return child;
  }

  it('is replaced by a new worker that finishes the workflow, with nothing lost or sent twice', async () => {
    const first = startWorker();
    const ficheId = 'crash-1';
    const handle = await env.client.workflow.start('ficheLifecycleWorkflow', {
      taskQueue,
      workflowId: ficheWorkflowId(ficheId),
      args: [{ ficheId, conventionId, title: 'Lieu d’accueil enfants-parents', authorEmail: 'pilote@example.org' }],
    });
    await eventually('the fiche row', () => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }));

    // The relay reads the notification but has not said 250 when the worker dies.
    sink.hold();
    const state = await handle.executeUpdate(recordDecisionUpdate, {
      args: [{ outcome: 'favorable', actor: { email: 'secretariat@example.org', role: 'secretaire_instance' } }],
    });
    expect(state.stage).toBe('avis_favorable');
    await sink.heldArrived;
    first.kill('SIGKILL');
    await eventually('the relay to see the sender go', async () => sink.abandoned.length === 1);
    expect(sink.accepted).toHaveLength(0);

    startWorker();
    const result = await handle.result();
    expect(result.stage).toBe('avis_favorable');
    expect(result.notified).toEqual([`${handle.workflowId}:avis-cotech:pilote@example.org`]);

    expect(sink.accepted).toHaveLength(1);
    expect(sink.accepted[0]!.to).toEqual(['pilote@example.org']);
    const ledger = await db.prisma.notification.findUniqueOrThrow({
      where: { idempotencyKey: `${handle.workflowId}:avis-cotech:pilote@example.org` },
    });
    expect(ledger).toMatchObject({ status: 'sent', attempts: 2, messageId: sink.accepted[0]!.messageId });
    // The retry reused the same Message-ID as the abandoned attempt.
    expect(sink.abandoned[0]!.messageId).toBe(ledger.messageId);
    expect(await db.prisma.decision.count({ where: { ficheId } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { subject: `fiche:${ficheId}` } })).toBe(1);
    expect((await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } })).status).toBe('avis_favorable');
  }, 120_000);
});
