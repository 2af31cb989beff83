import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCharter } from '../../domain/charter.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { actionUpdates, ficheWorkflowId, type FicheLifecycleInput } from '../../workflows/definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { NO_TSX } from '../helpers/no-tsx.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { devServerEnv, TEST_LINKS, uniqueTaskQueue } from '../helpers/temporal.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';

// What production runs once built: `npm run build`, then `node dist/worker/main.js`, which finds the migrations
// tsc does not carry along and bundles its workflows (and the modules they share) from the compiled files. Built
// into a folder of its own inside the project (tests running the compiled CLI read dist/ meanwhile), as dist/ is.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('the compiled worker (npm run build, node dist/worker/main.js)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database & { url?: string };
  let sink: SmtpSink;
  let worker: WorkerProcess | undefined;
  const taskQueue = uniqueTaskQueue('compiled');
  const build = path.join(ROOT, 'node_modules', '.cache', `concerto-compiled-worker-${randomUUID()}`);

  beforeAll(async () => {
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--outDir', build], { cwd: ROOT });
    [env, db, sink] = await Promise.all([devServerEnv(), openTestDatabase('postgres'), new SmtpSink().start()]);
    await loadDemo(db.prisma);
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await sink?.stop();
    await db?.close();
    await env?.teardown();
    await rm(build, { recursive: true, force: true });
  });

  it('runs a fiche’s workflow and its update without tsx', async () => {
    worker = startWorkerProcess({
      temporalAddress: env.address,
      taskQueue,
      databaseUrl: db.url!,
      smtpUrl: sink.url,
      linkSecret: TEST_LINKS.secret,
      run: ['--import', NO_TSX, path.join(build, 'worker', 'main.js')],
    });
    await worker.ready;
    const convention = await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
    const input: FicheLifecycleInput = {
      ficheId: randomUUID(),
      conventionId: convention.id,
      title: 'Lieu d’accueil enfants-parents',
      authorEmail: 'pilote@example.org',
      charter: parseCharter(convention.charter),
      timing: { zone: convention.timezone },
    };
    const handle = await env.client.workflow.start('ficheLifecycleWorkflow', {
      taskQueue,
      workflowId: ficheWorkflowId(input.ficheId),
      args: [input],
    });
    const actor = await resolveActor(db.prisma, convention.id, 'directrice.education@example.org', 'cooperateur');
    const submitted = await handle.executeUpdate(actionUpdates.submit, { args: [{ actor }] });
    expect(submitted.lifecycle.stage).toBe('soumise');
    // Refused by the validator, whose schemas the worker's workflows share: a French refusal, not a crash.
    await expect(handle.executeUpdate(actionUpdates.withdraw, { args: [{ actor, reason: '' }] })).rejects.toMatchObject(
      {
        cause: { type: 'INVALID_INPUT', message: expect.stringMatching(/motif est obligatoire/) },
      },
    );
    expect(worker.output()).not.toMatch(/tsx loaded|ENOENT/);
  }, 120_000);
});
