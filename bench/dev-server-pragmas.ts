import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { SQLITE_PRAGMAS, startDevServer } from '../infra/temporal/dev-server.js';

// `npm run bench:dev-server`: workflows per second through the embedded dev server with file
// persistence (as `npm start` runs it), with Concerto's SQLite pragmas against SQLite's defaults,
// alternated in one run on the same machine. Each workflow runs 3 activities and 1 timer.

const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 200);
const CONCURRENCY = 20;
const ROUNDS = 2;
const CONFIGS = [
  { name: 'wal + synchronous=normal (Concerto)', pragmas: SQLITE_PRAGMAS },
  { name: 'SQLite defaults (delete + full)', pragmas: ['journal_mode=delete', 'synchronous=full'] },
] as const;

async function runOnce(cliPath: string, bundle: { code: string }, pragmas: readonly string[]): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-bench-'));
  const server = await startDevServer({
    cliPath,
    dbFilename: path.join(dir, 'temporal.db'),
    port: await findFreePort(),
    uiPort: false,
    sqlitePragmas: pragmas,
  });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const taskQueue = 'bench';
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: { touch: async (step: number) => step },
    });
    let next = 0;
    const started = performance.now();
    await worker.runUntil(
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < WORKFLOWS) {
            const id = `bare-${next++}`;
            await client.workflow.execute('bareWorkflow', {
              taskQueue,
              workflowId: id,
              args: [{ activities: 3, timers: 1 }],
            });
          }
        }),
      ),
    );
    return WORKFLOWS / ((performance.now() - started) / 1000);
  } finally {
    await nativeConnection.close();
    await connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const cli = await resolveTemporalBinary('cli');
const bundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('./workflows/bare-workflow.ts', import.meta.url)),
  logger: new DefaultLogger('WARN'),
});
const results = new Map<string, number[]>(CONFIGS.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const config of CONFIGS) {
    const rate = await runOnce(cli.path, bundle, config.pragmas);
    results.get(config.name)!.push(rate);
    console.log(`round ${round + 1}: ${config.name}: ${rate.toFixed(1)} workflows/s`);
  }
}
console.log(
  `\n${WORKFLOWS} workflows (3 activities + 1 timer each), ${CONCURRENCY} ` +
    `at a time, ${ROUNDS} rounds, ${os.cpus().length} cores:`,
);
for (const [name, rates] of results) {
  console.log(
    `  ${name.padEnd(38)} best ${Math.max(...rates).toFixed(1)}  worst ${Math.min(...rates).toFixed(1)} workflows/s`,
  );
}
