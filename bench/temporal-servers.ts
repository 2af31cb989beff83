import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { startDevServer } from '../infra/temporal/dev-server.js';
import { createBareWorker } from './bare-worker.js';
import { bareWorkflow } from './workflows/bare-workflow.js';

// `npm run bench:temporal-servers`: the same rounds of bare workflows (no logic, as many activities
// as a lifecycle of `bench:departement`) on Temporal's time-skipping test server, which that bench
// runs on, and on the dev server, one after the other in one run. Each round's seconds and the
// server process's CPU seconds tell whether a server slows down as the workflows it has run add up:
// a round does the same work as the one before it, so its time should not grow.

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** A round of `bench:departement` at full scale: 360 fiches. */
const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 360);
/** Activities a lifecycle makes (bench:departement's JSON: activitiesPerLifecycle). */
const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const QUEUE = 'bench-temporal-servers';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** The fields of /proc/<pid>/stat after the command's name (state, parent, …). */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User plus system CPU seconds of a process. */
function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The child process of this one whose command starts with `name` (the server the SDK spawned). */
function childPid(name: string): number {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const command = readFileSync(`/proc/${entry}/comm`, 'utf8');
      if (statFields(entry)[1] === String(process.pid) && command.startsWith(name)) return Number(entry);
    } catch {
      // The process ended while being read.
    }
  }
  throw new Error(`no child process named ${name}…`);
}

interface RoundResult {
  seconds: number;
  serverCpuSeconds: number;
}

/** Runs the rounds against one server; gives each round's seconds and the server's CPU seconds. */
async function rounds(
  label: string,
  nativeConnection: NativeConnection,
  client: Client,
  serverPid: number,
): Promise<RoundResult[]> {
  const worker = await createBareWorker(nativeConnection, QUEUE);
  const results: RoundResult[] = [];
  await worker.runUntil(async () => {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const started = performance.now();
      const cpuBefore = cpuSeconds(serverPid);
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < WORKFLOWS) {
            const index = next++;
            const handle = await client.workflow.start(bareWorkflow, {
              taskQueue: QUEUE,
              workflowId: `${label}-${round}-${index}`,
              args: [{ activities: ACTIVITIES, timers: 0 }],
            });
            await handle.result();
          }
        }),
      );
      const result = {
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        serverCpuSeconds: Number((cpuSeconds(serverPid) - cpuBefore).toFixed(2)),
      };
      results.push(result);
      process.stderr.write(
        `${label.padEnd(14)} round ${String(round).padStart(2)}: ${result.seconds.toFixed(1).padStart(6)} s, ` +
          `server CPU ${result.serverCpuSeconds.toFixed(1).padStart(6)} s\n`,
      );
    }
  });
  return results;
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const testServerPath = (await resolveTemporalBinary('test-server')).path;
const testEnv = await TestWorkflowEnvironment.createTimeSkipping({
  server: {
    executable: { type: 'existing-path', path: testServerPath },
    // Run-time options of the server's native image, e.g. `-XX:+PrintGC` or a heap size.
    extraArgs: (process.env.BENCH_TEST_SERVER_ARGS ?? '').split(' ').filter(Boolean),
  },
});
const timeSkipping = await (async () => {
  try {
    // A plain client: the environment's own unlocks and relocks the server's clock around each `result()`, and ten
    // of those at once make the server fail (« Unbalanced lock and unlock calls », seen twice at 10 workflows).
    const client = new Client({ connection: testEnv.connection, namespace: testEnv.namespace ?? 'default' });
    return await rounds('time-skipping', testEnv.nativeConnection, client, childPid('temporal-test'));
  } finally {
    await testEnv.teardown();
  }
})();

const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-bench-servers-'));
const server = await startDevServer({
  cliPath: (await resolveTemporalBinary('cli')).path,
  dbFilename: path.join(dir, 'temporal.db'),
  port: await findFreePort(),
  uiPort: false,
});
const dev = await (async () => {
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  try {
    return await rounds('dev server', nativeConnection, new Client({ connection }), server.pid);
  } finally {
    await nativeConnection.close();
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
})();

const growth = (r: RoundResult[]) => Number((r.at(-1)!.seconds / r[0]!.seconds).toFixed(2));
console.log(
  JSON.stringify({
    rounds: ROUNDS,
    workflowsPerRound: WORKFLOWS,
    activitiesPerWorkflow: ACTIVITIES,
    concurrency: CONCURRENCY,
    timeSkipping,
    devServer: dev,
    // The last round's time over the first's: 1 when a server does not slow down.
    growth: { timeSkipping: growth(timeSkipping), devServer: growth(dev) },
    testServerArgs: process.env.BENCH_TEST_SERVER_ARGS ?? '',
    cores: os.cpus().length,
    loadAverage: os.loadavg()[0],
  }),
);
