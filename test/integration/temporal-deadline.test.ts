import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { loadDemo } from '../../store/conventions/load-demo.js';
import { jsonAs, tokenFor } from '../helpers/auth.js';
import { openTestDatabase } from '../helpers/database.js';
import { devServerEnv, uniqueTaskQueue } from '../helpers/temporal.js';
import { createStore } from '../../store/index.js';

// No worker polls this app's task queue: its workflows start, but nothing runs their updates.
describe('an API request waiting on Temporal with no worker to run its update', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let app: FastifyInstance;
  const taskQueue = uniqueTaskQueue('no-worker');

  beforeAll(async () => {
    [env, db] = await Promise.all([devServerEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    await db.prisma.instance.updateMany({ where: { slug: 'cotech' }, data: { convocationDelayDays: 0 } });
    app = buildHttpApp({
      client: env.client,
      store: createStore(db.prisma),
      taskQueue,
      temporalDeadlineMs: 1_500,
      probes: { temporal: async () => undefined, database: () => db.ping() },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it(
    'answers 503 by its deadline, saying the step may still be recorded, instead of hanging',
    { timeout: 30_000 },
    async () => {
      const cooperateur = await tokenFor(db.prisma, 'directrice.education@example.org');
      const startsAt = new Date(Date.now() + 3 * 86_400_000);
      const created = await app.inject({
        method: 'POST',
        url: '/api/meetings',
        ...jsonAs(cooperateur, {
          instance: 'cotech',
          title: 'COTECH sans worker',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
          // Whatever the day three days ahead: a weekend or a public holiday is held by an override.
          override: { reason: 'Test : date indifférente' },
        }),
      });
      expect(created.statusCode, created.body).toBe(201);
      const { meetingId, workflowId } = created.json<{ meetingId: string; workflowId: string }>();

      const cancel = await app.inject({
        method: 'POST',
        url: `/api/meetings/${meetingId}/cancel`,
        ...jsonAs(cooperateur, { reason: 'Salle prise.' }),
      });
      expect(cancel.statusCode).toBe(503);
      expect(cancel.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'TEMPORAL_TIMEOUT',
        message: expect.stringContaining('peut-être prise en compte'),
      });
      await env.client.workflow.getHandle(workflowId).terminate('end of test');
    },
  );
});
