import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DemoPeople } from '../../store/conventions/demo-people.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Store } from '../../store/index.js';
import { GiveUp, persist, type Patience } from './persist.js';

/** What the run's drivers share: the client and the store, the demo people, and the state of the parts. */
export interface Harness extends Patience {
  client: Client;
  store: Store;
  prisma: PrismaClient;
  conventionId: string;
  people: DemoPeople;
  taskQueue: string;
  /**
   * Resolves once Temporal and PostgreSQL are both up, as far as the harness knows (it stops them):
   * steps that cannot be retried blindly (starting a workflow with a fresh id) wait for it.
   */
  whenUp(): Promise<void>;
}

/** Refusals that say "not now" (not on the agenda yet, another step being recorded): tried again. */
const NOT_NOW = new Set(['WRONG_STAGE', 'ALREADY_IN_PROGRESS']);
const CALL_MS = 30_000;

/** A call to Temporal that gives up after 30 s: a server restarted mid-call must not hold a driver forever. */
export function call<T>(harness: Harness, fn: () => Promise<T>): Promise<T> {
  return harness.client.connection.withDeadline(Date.now() + CALL_MS, fn);
}

/**
 * Takes a step (an update) unless `done()` says it is already taken: each attempt asks first, so
 * an update whose answer was lost to a restart is not sent twice. A refusal other than "not now"
 * ends the lifecycle, as does the workflow having ended.
 */
export async function takeUntilDone(
  harness: Harness,
  what: string,
  handle: WorkflowHandle,
  update: () => Promise<unknown>,
  done: () => Promise<boolean>,
): Promise<void> {
  await persist(
    what,
    async () => {
      if (await done()) return true;
      try {
        await call(harness, update);
        return true;
      } catch (error) {
        const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
        const type = cause instanceof ApplicationFailure ? cause.type : undefined;
        if (type && !NOT_NOW.has(type) && !(await done()))
          throw new GiveUp(`${what} refused: ${type}: ${cause?.message}`);
        const { status } = await call(harness, () => handle.describe());
        if (status.name !== 'RUNNING') throw new GiveUp(`${what}: the workflow is ${status.name}`);
        throw error;
      }
    },
    harness,
  );
}
