import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../../server/app.js';
import type { Database } from '../../store/database/open-database.js';
import { TEST_LINKS } from './temporal.js';
import { createStore } from '../../store/index.js';

/** The HTTP app over a test's Temporal and database, serving the signed-link pages with the test secret. */
export function testHttpApp(env: TestWorkflowEnvironment, db: Database, taskQueue: string): FastifyInstance {
  return buildHttpApp({
    client: env.client,
    store: createStore(db.prisma),
    taskQueue,
    probes: { temporal: async () => undefined, database: () => db.ping() },
    rsvp: { secret: TEST_LINKS.secret, publicUrl: TEST_LINKS.publicUrl },
  });
}
