import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ficheDeadlines } from '../client/fiche-deadlines.js';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { startDevServer } from '../infra/temporal/dev-server.js';
import { buildHttpApp } from '../server/app.js';
import { DEMO_PEOPLE } from '../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../store/conventions/load-demo.js';
import { openDatabase } from '../store/database/open-database.js';
import { createStore } from '../store/index.js';
import { signIn } from '../test/helpers/auth.js';
import { createTestDatabase, startTestPostgres } from '../test/helpers/postgres.js';
import { seedConventionAtScale } from '../test/helpers/scale-seed.js';
import { TASK_QUEUE } from '../workflows/definitions.js';
import { percentile } from './percentile.js';

// `npm run bench:pages`: the board (/) of a convention with 2,000 fiches, its calendar (/calendrier) month by
// month over a year of 500 meetings, and what awaits the reader (/attentes), on PostgreSQL, through the HTTP app
// (Fastify's inject: the server's work, without a socket). Sequential requests, signed in as
// the COTECH's secretary; p50 / p95 / max per page, and the board's parts timed alone.

const FICHES = Number(process.env.BENCH_FICHES ?? 2_000);
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 500);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const WARM_UP = 10;

/** Runs `job` WARM_UP times, then `count` times timed; gives back the sorted durations in ms. */
async function timings(count: number, job: (index: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i += 1) await job(i);
  const durations: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await job(i);
    durations.push(performance.now() - started);
  }
  return durations.sort((a, b) => a - b);
}

function line(what: string, sorted: number[]): string {
  const f = (ms: number) => `${ms.toFixed(1).padStart(7)} ms`;
  const p = (n: number) => f(percentile(sorted, n)!);
  return `  ${what.padEnd(44)} p50 ${p(50)}  p95 ${p(95)}  max ${f(sorted.at(-1)!)}`;
}

const year = new Date().getUTCFullYear();
const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-bench-pages-'));
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, 'concerto_bench_pages');
const db = await openDatabase({ kind: 'postgres', url: database.url });
const server = await startDevServer({
  cliPath: (await resolveTemporalBinary('cli')).path,
  dbFilename: path.join(dir, 'temporal.db'),
  port: await findFreePort(),
  uiPort: false,
});
const connection = await Connection.connect({ address: server.address });
try {
  await loadDemo(db.prisma);
  const convention = await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } });
  const seeding = performance.now();
  await seedConventionAtScale(db.prisma, convention.id, { fiches: FICHES, meetings: MEETINGS, year });
  await db.prisma.$executeRawUnsafe('ANALYZE');
  console.log(
    `seeded ${FICHES} fiches and ${MEETINGS} meetings in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );

  const client = new Client({ connection });
  const store = createStore(db.prisma);
  const app = buildHttpApp({
    client,
    store,
    taskQueue: TASK_QUEUE,
    probes: { temporal: async () => undefined, database: () => db.ping() },
  });
  const auth = await signIn(app, db.prisma, DEMO_PEOPLE.secretaire.email);
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: auth });
    if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}`);
    return response.body.length;
  };
  const slug = encodeURIComponent(DEMO_CONVENTION_SLUG);
  const loadBefore = os.loadavg()[0]!;
  const board = await timings(REQUESTS, () => get(`/?convention=${slug}`));
  const months = Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}`);
  const calendar = await timings(REQUESTS, (i) => get(`/calendrier?convention=${slug}&mois=${months[i % 12]}`));
  const awaiting = await timings(REQUESTS, () => get('/attentes'));
  const fiches = await timings(REQUESTS, () => store.fiches.list(convention.id));
  const listed = await store.fiches.list(convention.id);
  const deadlines = await timings(REQUESTS, () => ficheDeadlines(client, listed));
  const meetings = await timings(REQUESTS, (i) =>
    store.meetings.listBetween(convention.id, {
      from: new Date(Date.UTC(year, i % 12, 1)),
      to: new Date(Date.UTC(year, (i % 12) + 1, 1)),
    }),
  );
  console.log(
    `\n${REQUESTS} requests each after ${WARM_UP} to warm up, one at a time; ${FICHES} fiches, ${MEETINGS} meetings ` +
      `over ${year}, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ` +
      `${os.loadavg()[0]!.toFixed(1)} after:`,
  );
  console.log(line(`GET / (board, ${(await get(`/?convention=${slug}`)) >> 10} KiB)`, board));
  console.log(line('GET /calendrier?mois=… (each month in turn)', calendar));
  console.log(line(`GET /attentes (${(await get('/attentes')) >> 10} KiB)`, awaiting));
  console.log(line('  of the board: the fiches from the store', fiches));
  console.log(line('  of the board: the deadlines from workflows', deadlines));
  console.log(line("  of the calendar: a month's meetings", meetings));
  await app.close();
} finally {
  await connection.close();
  await server.stop();
  await db.close();
  await database.drop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
