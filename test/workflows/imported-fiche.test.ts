import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeStep } from '../../client/fiche-steps.js';
import { REFERENCE_CHARTER } from '../../domain/charter.js';
import { anniversary, atLocalTime, toLocal } from '../../domain/paris-time.js';
import { implementationStart, importedLifecycle, parseRunningConvention } from '../../domain/running-convention.js';
import type { Database } from '../../store/database/open-database.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { ficheStateQuery } from '../../workflows/definitions.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { openTestDatabase } from '../helpers/database.js';
import { timeSkippingEnv } from '../helpers/temporal.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { eventually } from '../helpers/time-skipping.js';

const ZONE = 'Europe/Paris';
const ADMIN = { email: 'admin@example.org', appRole: 'admin' as const, instanceRoles: {} };
const FILE = JSON.parse(readFileSync(new URL('../fixtures/imports/running-convention.json', import.meta.url), 'utf8'));

describe('an imported fiche en œuvre (time-skipping server, PGlite with the demo)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;

  beforeAll(async () => {
    [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    stack = await startTestWorker(env, db, 'imported-fiche');
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  it('keeps its yearly évaluation on the anniversary of its imported validation, then closes', async () => {
    const now = new Date(await env.currentTimeMs()).toISOString();
    // The fiche en œuvre of the example, without its amendment: followed for its évaluations.
    const source = { ...FILE.fiches[2], amendment: undefined, versions: FILE.fiches[2].versions.slice(0, 1) };
    const fiche = parseRunningConvention({ ...FILE, fiches: [source] }, now).fiches[0]!;
    const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    const ficheId = randomUUID();
    const started = implementationStart(fiche)!;
    const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `fiche-imported-${ficheId.slice(0, 8)}`,
      args: [
        {
          ficheId,
          conventionId,
          title: fiche.versions[0]!.title,
          authorEmail: fiche.authorEmail,
          charter: REFERENCE_CHARTER,
          imported: {
            by: ADMIN.email,
            at: now,
            lifecycle: importedLifecycle(fiche, { by: ADMIN.email, at: now }),
            implementationStartedAt: started,
          },
        },
      ],
    });
    const start = atLocalTime(toLocal(started, ZONE), 9, 0, ZONE);
    let years = 1;
    while (anniversary(start, years, ZONE).getTime() <= Date.parse(now)) years++;
    const due = anniversary(start, years, ZONE);
    const state = await eventually(async () => {
      const s = await handle.query(ficheStateQuery);
      return s.deadlines.evaluation ? s : undefined;
    }, 'the évaluation deadline');
    expect(state.lifecycle).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, review: null });
    expect(state.deadlines).toEqual({ evaluation: due.toISOString() });
    expect(toLocal(due, ZONE)).toMatchObject({ month: 4, day: 8, hour: 9 });

    // The same rules: an amendment may be asked, then withdrawn; the fiche then closes.
    const amended = await takeStep(handle, 'requestAmendment', { actor: ADMIN, summary: 'Un second site' });
    expect(amended.lifecycle.review).toMatchObject({ version: 2, stage: 'brouillon' });
    expect(amended.lifecycle.history.map((h) => h.action)).toEqual([
      'recordAvis',
      'recordCopilDecision',
      'recordBureauValidation',
      'requestAmendment',
    ]);
    await takeStep(handle, 'withdraw', { actor: ADMIN, reason: 'Abandonné' });
    const closed = await takeStep(handle, 'close', { actor: ADMIN, reason: 'Fin du test' });
    expect(closed.lifecycle.stage).toBe('cloturee');
    expect(await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId }, select: { status: true } })).toEqual(
      {
        status: 'cloturee',
      },
    );
  });
});
