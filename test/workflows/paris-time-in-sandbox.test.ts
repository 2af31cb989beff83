import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calendarProbe,
  calendarProbeWorkflow,
  parisTimeProbeWorkflow,
  probe,
  type CalendarProbeCase,
  type ParisTimeProbeCase,
} from '../fixtures/workflows/paris-time-workflow.js';
import { timeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal.js';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

describe('domain/paris-time and the French calendar modules inside the workflow sandbox', () => {
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

  /** Runs one probe workflow of the bundle on its own task queue and returns its result. */
  async function runProbe<T, R>(workflow: (cases: T[]) => Promise<R[]>, cases: T[], name: string): Promise<R[]> {
    const taskQueue = uniqueTaskQueue(name);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
    });
    return worker.runUntil(env.client.workflow.execute(workflow, { taskQueue, workflowId: taskQueue, args: [cases] }));
  }

  it('gives the same instants and French text as outside the sandbox', async () => {
    const cases: ParisTimeProbeCase[] = [
      { meeting: '2024-03-30T19:30:00+01:00', zone: 'Europe/Paris' },
      { meeting: '2024-10-26T20:00:00+02:00', zone: 'Europe/Paris' },
      { meeting: '2024-10-27T00:30:00Z', zone: 'Europe/Paris' },
      { meeting: '2024-02-15T17:00:00Z', zone: 'Europe/Paris' },
      { meeting: '2024-08-14T12:00:00Z', zone: 'Pacific/Noumea' },
      { meeting: '2024-03-09T18:00:00-05:00', zone: 'America/New_York' },
    ];
    const inSandbox = await runProbe(parisTimeProbeWorkflow, cases, 'paris-time');

    expect(inSandbox).toEqual(cases.map(probe));
    expect(inSandbox.slice(0, 3)).toEqual([
      {
        dayAfter: '2024-03-31T07:00:00.000Z',
        next0230: '2024-03-31T01:30:00.000Z',
        dayAfterText: 'dimanche 31 mars 2024 à 09 h 00',
      },
      {
        dayAfter: '2024-10-27T08:00:00.000Z',
        next0230: '2024-10-27T00:30:00.000Z',
        dayAfterText: 'dimanche 27 octobre 2024 à 09 h 00',
      },
      {
        dayAfter: '2024-10-28T08:00:00.000Z',
        next0230: '2024-10-28T01:30:00.000Z',
        dayAfterText: 'lundi 28 octobre 2024 à 09 h 00',
      },
    ]);
  });

  it('gives the same public holidays, school holidays and meeting-date checks as outside the sandbox', async () => {
    const cases: CalendarProbeCase[] = [
      { date: '2025-02-25', zone: 'A' },
      { date: '2024-03-30', zone: 'A' },
      { date: '2024-05-09', zone: 'B' },
      { date: '2027-02-16', zone: 'A' },
      { date: '2031-06-02', zone: 'C' },
      { date: '2024-12-24', zone: null },
    ];
    const inSandbox = await runProbe(calendarProbeWorkflow, cases, 'calendar');

    expect(inSandbox).toEqual(cases.map(calendarProbe));
    expect(inSandbox[0]).toMatchObject({
      easter: '2025-04-20',
      publicHoliday: null,
      schoolHoliday: 'Vacances d’hiver 2025-02-22/2025-03-10',
      schoolHolidaysThisMonth: ['Vacances d’hiver'],
      check: { warnings: [expect.stringMatching(/^Vacances d’hiver \(zone A\)/)] },
    });
    expect(inSandbox[1]).toMatchObject({ check: { blocked: 'samedi' }, nextOpenDay: '2024-04-02' });
    expect(inSandbox[4]).toMatchObject({ publicHoliday: 'Lundi de Pentecôte', nextOpenDay: '2031-06-03' });
  });
});
