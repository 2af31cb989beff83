import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary } from '../../infra/temporal/binaries.js';

/** Polls `probe` until it gives a value (not undefined, null or false). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(50);
  }
}

/**
 * No activity in flight and no workflow task with the worker (which may be running local activities): the clock may
 * jump without timing one out, nor fire a timer the task is about to cancel (the test server then refuses the
 * task's completion, « invalid history builder state for action », and the run is stranded).
 */
export async function idle(handle: WorkflowHandle): Promise<void> {
  await eventually(async () => {
    const { raw, status } = await handle.describe();
    return status.name !== 'RUNNING' || ((raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask);
  }, 'the workflow to have no activity nor workflow task in flight');
}

/** Moves the test server's clock to `target` (time skipping: instant), once the workflow is idle. */
export async function sleepUntil(env: TestWorkflowEnvironment, handle: WorkflowHandle, target: Date): Promise<void> {
  await idle(handle);
  const ms = target.getTime() - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}

/**
 * A time-skipping server of the test file's own: its clock is global to the server, so a file
 * whose tests jump months ahead must not share it with another file's. On `port` when given (a free one otherwise).
 */
export async function privateTimeSkippingEnv(port?: number): Promise<TestWorkflowEnvironment> {
  const server = await resolveTemporalBinary('test-server');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: server.path }, ...(port ? { port } : {}) },
  });
}
