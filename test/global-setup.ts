import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { startDevServer } from '../infra/temporal/dev-server.js';
import { writeWorkflowBundle } from '../worker/create-worker.js';
import { resolveChromium, type ChromiumLaunch } from './helpers/chromium.js';
import { startTestPostgres } from './helpers/postgres.js';
import { TEST_WORKERS } from './test-workers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The time-skipping test servers, one per test worker (its clock is shared by the files of that worker). */
    timeSkippingAddresses: string[];
    /** The dev server (a full Temporal), shared by the integration tests. */
    devServerAddress: string;
    /** The `temporal` CLI, for tests that start `npm start` or a dev server of their own. */
    temporalCliPath: string;
    /** A PostgreSQL role allowed to create databases: one database per test file. */
    postgresAdminUrl: string;
    /** The workflow bundle, built once per run. */
    workflowBundlePath: string;
    /** The Chromium the browser tests launch. */
    chromium: ChromiumLaunch;
  }
}

/** One of each server per run (the SDK gives a server 5 s to come up: never one per file). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  };
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-test-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));

    const [cli, testServer, chromium] = await Promise.all([
      resolveTemporalBinary('cli'),
      resolveTemporalBinary('test-server'),
      resolveChromium(),
    ]);
    const timeSkipping: TestWorkflowEnvironment[] = [];
    for (let i = 0; i < TEST_WORKERS; i++) {
      const server = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: testServer.path } },
      });
      stops.push(() => server.teardown());
      timeSkipping.push(server);
    }

    const devServer = await startDevServer({
      cliPath: cli.path,
      dbFilename: path.join(dir, 'temporal.db'),
      port: await findFreePort(),
      uiPort: false,
    });
    stops.push(() => devServer.stop());

    const postgres = await startTestPostgres();
    stops.push(() => postgres.stop());

    const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(workflowBundlePath);

    project.provide(
      'timeSkippingAddresses',
      timeSkipping.map((server) => server.address),
    );
    project.provide('devServerAddress', devServer.address);
    project.provide('temporalCliPath', cli.path);
    project.provide('postgresAdminUrl', postgres.adminUrl);
    project.provide('workflowBundlePath', workflowBundlePath);
    project.provide('chromium', chromium);
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
