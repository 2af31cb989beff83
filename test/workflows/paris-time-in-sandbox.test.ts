import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisTimeProbeWorkflow, probe, type ParisTimeProbeCase } from '../fixtures/workflows/paris-time-workflow.js';
import { timeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

describe('domain/paris-time inside the workflow sandbox', () => {
  let env: TestWorkflowEnvironment;
  let bundle: { code: string };

  beforeAll(async () => {
    // A bundle of its own: the probe workflow must not ship in the worker's bundle.
    [env, bundle] = await Promise.all([
      timeSkippingEnv(),
      bundleWorkflowCode({
        workflowsPath: new URL('../fixtures/workflows/paris-time-workflow.ts', import.meta.url).pathname,
        logger: quietLogger,
      }),
    ]);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('gives the same instants and French text as outside the sandbox', async () => {
    const cases: ParisTimeProbeCase[] = [
      { meeting: '2024-03-30T19:30:00+01:00', zone: 'Europe/Paris' },
      { meeting: '2024-10-26T20:00:00+02:00', zone: 'Europe/Paris' },
      { meeting: '2024-10-27T00:30:00Z', zone: 'Europe/Paris' },
      { meeting: '2024-02-15T17:00:00Z', zone: 'Europe/Paris' },
      { meeting: '2024-08-14T12:00:00Z', zone: 'Pacific/Noumea' },
      { meeting: '2024-03-09T18:00:00-05:00', zone: 'America/New_York' },
    ];
    const taskQueue = uniqueTaskQueue('paris-time');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
    });
    const inSandbox = await worker.runUntil(
      env.client.workflow.execute(parisTimeProbeWorkflow, { taskQueue, workflowId: taskQueue, args: [cases] }),
    );

    expect(inSandbox).toEqual(cases.map(probe));
    expect(inSandbox.slice(0, 3)).toEqual([
      { dayAfter: '2024-03-31T07:00:00.000Z', next0230: '2024-03-31T01:30:00.000Z', dayAfterText: 'dimanche 31 mars 2024 à 09 h 00' },
      { dayAfter: '2024-10-27T08:00:00.000Z', next0230: '2024-10-27T00:30:00.000Z', dayAfterText: 'dimanche 27 octobre 2024 à 09 h 00' },
      { dayAfter: '2024-10-28T08:00:00.000Z', next0230: '2024-10-28T01:30:00.000Z', dayAfterText: 'lundi 28 octobre 2024 à 09 h 00' },
    ]);
  });
});
