import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { startFiche } from '../client/start-fiche.js';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { SQLITE_PRAGMAS, startDevServer } from '../infra/temporal/dev-server.js';
import { DEMO_PEOPLE } from '../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../store/conventions/load-demo.js';
import { openDatabase } from '../store/database/open-database.js';
import { createStore } from '../store/index.js';
import { SmtpSink } from '../test/helpers/smtp-sink.js';
import { createTestDatabase, startTestPostgres } from '../test/helpers/postgres.js';
import { startWorkerProcess } from '../test/helpers/worker-process.js';
import { writeWorkflowBundle } from '../worker/create-worker.js';
import { ficheStateQuery } from '../workflows/definitions.js';
import { peakRssMiB } from './process-memory.js';

// `npm run bench:open-workflows`: a worker's memory with BENCH_OPEN fiche workflows open at once (10,000 by default),
// on the dev server and PostgreSQL, the worker in its own process as `npm run worker` runs it, its sticky cache
// (BENCH_CACHE) and heap cap (BENCH_WORKER_HEAP, MiB) set as TEMPORAL_MAX_CACHED_WORKFLOWS and
// --max-old-space-size. Every fiche is started (its workflow records it in the store), then each is asked its
// state once (a query), so that every workflow passes through the worker's cache: the cache, not the workflows
// open, should bound the memory. One JSON line on stdout: the worker's peak RSS (VmHWM), each phase's seconds.

const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);
const CACHE = Number(process.env.BENCH_CACHE ?? 500);
/** 0: no cap (V8's default, about 4 GiB on this machine). */
const HEAP_MIB = Number(process.env.BENCH_WORKER_HEAP ?? 384);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 40);

async function pool(count: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-open-'));
const server = await startDevServer({
  cliPath: (await resolveTemporalBinary('cli')).path,
  dbFilename: path.join(dir, 'temporal.db'),
  port: await findFreePort(),
  uiPort: false,
  sqlitePragmas: SQLITE_PRAGMAS,
});
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, 'concerto_bench_open');
const db = await openDatabase({ kind: 'postgres', url: database.url });
const sink = await new SmtpSink().start();
const connection = await Connection.connect({ address: server.address });
const bundle = path.join(dir, 'workflow-bundle.js');
await writeWorkflowBundle(bundle);
const taskQueue = `open-${randomUUID()}`;
const worker = startWorkerProcess({
  temporalAddress: server.address,
  taskQueue,
  databaseUrl: database.url,
  smtpUrl: sink.url,
  linkSecret: randomUUID() + randomUUID(),
  env: { TEMPORAL_MAX_CACHED_WORKFLOWS: String(CACHE), TEMPORAL_WORKFLOW_BUNDLE: bundle },
  ...(HEAP_MIB ? { heapCapMiB: HEAP_MIB } : {}),
});
try {
  await loadDemo(db.prisma);
  const { id: conventionId } = await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
  const client = new Client({ connection });
  const deps = { client, store: createStore(db.prisma), taskQueue };
  await worker.ready;
  const readyRssMiB = peakRssMiB(worker.child.pid!);

  const before = await db.prisma.ficheAction.count({ where: { conventionId } });
  let started = performance.now();
  const handles: Array<ReturnType<Client['workflow']['getHandle']>> = [];
  await Promise.race([
    pool(OPEN, async (i) => {
      const { handle } = await startFiche(
        deps,
        conventionId,
        { title: `Action ouverte ${i + 1}`, authorEmail: DEMO_PEOPLE.cooperateur.email, gtt: `gtt-${(i % 3) + 1}` },
        DEMO_PEOPLE.cooperateur.email,
      );
      handles.push(handle);
      if (i % 500 === 0) process.stderr.write(`\r${i} started`);
    }),
    worker.stopped,
  ]);
  // Each workflow records its fiche in the store first: all recorded, all have run on the worker.
  while ((await db.prisma.ficheAction.count({ where: { conventionId } })) < before + OPEN) await delay(500);
  const startSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  await Promise.race([
    pool(handles.length, async (i) => {
      await handles[i]!.query(ficheStateQuery);
      if (i % 500 === 0) process.stderr.write(`\r${i} asked  `);
    }),
    worker.stopped,
  ]);
  const querySeconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  const open = (await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`)).count;
  console.log(
    JSON.stringify({
      open,
      startedPerSecond: Math.round(OPEN / startSeconds),
      queriedPerSecond: Math.round(handles.length / querySeconds),
      workerRssMaxMiB: peakRssMiB(worker.child.pid!),
      workerRssAtReadyMiB: readyRssMiB,
      maxCachedWorkflows: CACHE,
      workerHeapCapMiB: HEAP_MIB || null,
      cores: os.cpus().length,
    }),
  );
} finally {
  await worker.stop();
  await connection.close();
  await sink.stop();
  await db.close();
  await database.drop();
  await postgres.stop();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
