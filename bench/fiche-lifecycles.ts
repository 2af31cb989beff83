import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { driveToValidation, takeStep, type ActionInput } from '../client/fiche-steps.js';
import { startFiche } from '../client/start-fiche.js';
import type { InstanceKind } from '../domain/charter.js';
import type { ActionKind } from '../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { openDatabase } from '../store/database/open-database.js';
import { startMailCatcherThread } from '../infra/smtp-in/mail-catcher-thread.js';
import { startMailTransportThread } from '../infra/smtp-out/mail-transport-thread.js';
import { findFreePort } from '../infra/process/ports.js';
import { resolveTemporalBinary } from '../infra/temporal/binaries.js';
import { SQLITE_PRAGMAS, startDevServer } from '../infra/temporal/dev-server.js';
import { DEMO_PEOPLE, resolveDemoPeople, type DemoPeople } from '../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../store/conventions/load-demo.js';
import { createConcertoWorker } from '../worker/create-worker.js';
import { TASK_QUEUE } from '../workflows/definitions.js';
import { createBareWorker } from './bare-worker.js';
import { bareWorkflow, touchUpdate } from './workflows/bare-workflow.js';
import { createStore } from '../store/index.js';

// `npm run bench:lifecycles`: fiche lifecycles per second on the embedded dev server with file
// persistence (as `npm start` runs it), with the real worker, PGlite with the demo convention and
// the mail catcher on its own thread, against a bare workflow with as many activities, timers and
// updates (counted in a real lifecycle's history), alternated on the same server in one run.
//
// A lifecycle is timed from its start to its workflow's completion: submitted, avis favorable of
// the COTECH, opinions of the CAF and the MSA, adopted by the COPIL, validated by the Bureau (en
// œuvre), then closed by its cooperator, which ends the workflow once its last mails are out.

const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 10);
const CONCURRENCY = Math.min(Number(process.env.BENCH_CONCURRENCY ?? 10), LIFECYCLES);
/** More rounds tell a change of a tenth from the runs' spread (each round is a few seconds at 30 at a time). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BARE_QUEUE = 'bench-bare';
/**
 * The bodies meet this often while lifecycles run. A fiche goes on the next meeting starting at or
 * after the moment it reaches the body (activities/agenda.ts), so a meeting already started never
 * takes it: meetings are planned ahead, and a decision waits for the meeting to start.
 */
const MEETING_EVERY_MS = 250;
const PLANNED_AHEAD_MS = 3_000;
const REVIEWING_BODIES: readonly InstanceKind[] = ['cotech', 'copil', 'bureau_communautaire'];

interface Counts {
  activities: number;
  timers: number;
  updates: number;
  events: number;
}

function countEvents(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): Counts {
  const events = history.events ?? [];
  return {
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    timers: events.filter((e) => e.timerStartedEventAttributes).length,
    updates: events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length,
    events: events.length,
  };
}

/** Runs `count` jobs, CONCURRENCY at a time; gives back jobs per second. */
async function timed(count: number, job: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** Meetings of each reviewing body every MEETING_EVERY_MS, kept planned PLANNED_AHEAD_MS ahead until `stop()`. */
async function planMeetings(prisma: PrismaClient, conventionId: string): Promise<{ stop(): Promise<void> }> {
  const instances = await prisma.instance.findMany({
    where: { conventionId, kind: { in: [...REVIEWING_BODIES] } },
    distinct: ['kind'],
  });
  let plannedUntil = 0;
  const plan = async () => {
    const slots: number[] = [];
    plannedUntil = Math.max(plannedUntil, Math.ceil(Date.now() / MEETING_EVERY_MS) * MEETING_EVERY_MS);
    for (; plannedUntil <= Date.now() + PLANNED_AHEAD_MS; plannedUntil += MEETING_EVERY_MS) slots.push(plannedUntil);
    await prisma.meeting.createMany({
      data: slots.flatMap((slot) =>
        instances.map((instance) => ({
          conventionId,
          instanceId: instance.id,
          title: `${instance.name} du ${new Date(slot).toISOString()}`,
          startsAt: new Date(slot),
          endsAt: new Date(slot + 2 * 3_600_000),
          status: 'planifiee',
          icalUid: `bench-${instance.id}-${slot}@concerto.bench`,
        })),
      ),
    });
  };
  await plan();
  let planning = Promise.resolve();
  const timer = setInterval(() => {
    planning = planning.then(plan);
  }, MEETING_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await planning;
    },
  };
}

/**
 * Waits until the fiche is on the ordre du jour of a meeting of that body, as its secretary sees it, then until that
 * meeting starts. Deciding before the workflow has placed it is refused, and each refusal costs a workflow task:
 * 7 a lifecycle when the bench acted as soon as a step was answered (bench/README.md).
 */
async function meetingStarted(prisma: PrismaClient, ficheId: string, kind: InstanceKind): Promise<void> {
  const item = await storeShows(() =>
    prisma.agendaItem.findFirst({
      where: { ficheId, meeting: { instance: { kind } } },
      select: { meeting: { select: { startsAt: true } } },
    }),
  );
  await delay(Math.max(0, item.meeting.startsAt.getTime() - Date.now()));
}

/**
 * Reads the store until it shows what the workflow wrote, asked less and less often, so the waiting costs the
 * database a few reads a lifecycle (it was 30 at 30 at a time, asked every 10 ms).
 */
async function storeShows<T>(read: () => Promise<T | null>): Promise<T> {
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    const found = await read();
    if (found) return found;
    await delay(pause);
  }
}

let refusals = 0;

/**
 * Takes a step; a decision refused because the fiche is not on the agenda yet (the placement
 * activity still running) is taken again a moment later, as a secretary would.
 */
async function act<K extends ActionKind>(handle: WorkflowHandle, kind: K, input: ActionInput<K>) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await takeStep(handle, kind, input);
    } catch (error) {
      const type =
        error instanceof WorkflowUpdateFailedError ? (error.cause as ApplicationFailure | undefined)?.type : undefined;
      if (type !== 'WRONG_STAGE' || attempt >= 200) throw error;
      refusals += 1;
      await delay(20);
    }
  }
}

interface Stack {
  client: Client;
  prisma: PrismaClient;
  conventionId: string;
  people: DemoPeople;
}

/** The demo's three GTTs, which draft the fiches in turn (their members are told of each step). */
const WORKING_GROUPS = ['gtt-1', 'gtt-2', 'gtt-3'];
let drafted = 0;

async function runLifecycle(stack: Stack, title: string): Promise<string> {
  const gtt = WORKING_GROUPS[drafted++ % WORKING_GROUPS.length]!;
  const { ficheId, handle } = await startFiche(
    { client: stack.client, store: createStore(stack.prisma), taskQueue: TASK_QUEUE },
    stack.conventionId,
    { title, authorEmail: DEMO_PEOPLE.cooperateur.email, gtt },
    DEMO_PEOPLE.cooperateur.email,
  );
  // As the HTTP API does, act once the workflow has recorded the fiche in the store.
  await storeShows(() => stack.prisma.ficheAction.findUnique({ where: { id: ficheId }, select: { id: true } }));
  await driveToValidation(
    {
      act: (kind, input) => act(handle, kind, input),
      holdMeeting: (kind) => meetingStarted(stack.prisma, ficheId, kind),
    },
    stack.people,
  );
  await act(handle, 'close', { actor: stack.people.cooperateur, reason: 'Fin du banc' });
  await handle.result();
  return handle.workflowId;
}

async function runBare(client: Client, counts: Counts, id: string): Promise<string> {
  const { activities, timers, updates } = counts;
  const handle = await client.workflow.start(bareWorkflow, {
    taskQueue: BARE_QUEUE,
    workflowId: id,
    args: [{ activities, timers, updates }],
  });
  for (let step = 0; step < counts.updates; step += 1) await handle.executeUpdate(touchUpdate, { args: [step] });
  await handle.result();
  return id;
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-bench-lifecycles-'));
const cli = await resolveTemporalBinary('cli');
const server = await startDevServer({
  cliPath: cli.path,
  dbFilename: path.join(dir, 'temporal', 'temporal.db'),
  port: await findFreePort(),
  uiPort: false,
  sqlitePragmas: SQLITE_PRAGMAS,
});
const db = await openDatabase({ kind: 'pglite', dir: path.join(dir, 'pglite') });
const catcher = await startMailCatcherThread({ dir: path.join(dir, 'outbox') });
const transport = startMailTransportThread({ kind: 'catcher', host: catcher.host, port: catcher.port });
const connection = await Connection.connect({ address: server.address });
const nativeConnection = await NativeConnection.connect({ address: server.address });
try {
  await loadDemo(db.prisma);
  const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  const client = new Client({ connection });
  const stack: Stack = {
    client,
    prisma: db.prisma,
    conventionId,
    people: await resolveDemoPeople(db.prisma, conventionId),
  };
  const concerto = await createConcertoWorker({
    connection: nativeConnection,
    namespace: 'default',
    store: createStore(db.prisma),
    transport,
    mailFrom: 'Concerto <concerto@localhost>',
    links: { publicUrl: 'http://localhost:3000', secret: randomBytes(32).toString('hex') },
  });
  const bareWorker = await createBareWorker(nativeConnection, BARE_QUEUE);
  const work = async () => {
    // One lifecycle alone first: its history gives the counts the bare workflow runs with.
    let meetings = await planMeetings(db.prisma, conventionId);
    const sample = await runLifecycle(stack, 'Fiche du banc');
    await meetings.stop();
    const history = await client.workflow.getHandle(sample).fetchHistory();
    const counts = countEvents(history);
    const bareEvents = countEvents(
      await client.workflow.getHandle(await runBare(client, counts, 'bare-sample')).fetchHistory(),
    ).events;
    const signals = (history.events ?? []).filter(
      (e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes,
    ).length;
    const kinds = new Map<string, number>();
    for (const event of history.events ?? []) {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) kinds.set(name, (kinds.get(name) ?? 0) + 1);
    }
    console.log(
      `counts from ${sample}'s history: ${counts.activities} activities ` +
        `(${[...kinds].map(([name, n]) => `${n} ${name}`).join(', ')}), ` +
        `${counts.timers} timers, ${counts.updates} updates, ${signals} ` +
        `signals to other workflows (not in the bare workflow); ` +
        `${counts.events} events, the bare workflow's history ${bareEvents} events`,
    );
    const loadBefore = os.loadavg()[0]!;

    const rates = { lifecycles: [] as number[], bare: [] as number[] };
    let last: string[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      last = [];
      meetings = await planMeetings(db.prisma, conventionId);
      const caughtBefore = (await catcher.list()).length;
      const lifecycles = await timed(LIFECYCLES, async (index) =>
        last.push(await runLifecycle(stack, `Fiche du banc ${round}-${index}`)),
      );
      await meetings.stop();
      // The round's mails (its meetings' too) are all caught: a lifecycle ends once its notices are sent.
      const mails = ((await catcher.list()).length - caughtBefore) / LIFECYCLES;
      rates.lifecycles.push(lifecycles);
      console.log(
        `round ${round}: fiche lifecycles: ${lifecycles.toFixed(2)} lifecycles/s, ` +
          `${mails.toFixed(0)} mails a lifecycle`,
      );
      const bare = await timed(LIFECYCLES, (index) => runBare(client, counts, `bare-${round}-${index}`));
      rates.bare.push(bare);
      console.log(
        `round ${round}: bare workflows:   ${bare.toFixed(2)} workflows/s (ratio ${(lifecycles / bare).toFixed(2)})`,
      );
    }

    const seen = await Promise.all(
      last.map(async (id) => countEvents(await client.workflow.getHandle(id).fetchHistory())),
    );
    const spread = (key: keyof Counts) => {
      const values = seen.map((c) => c[key]);
      return Math.min(...values) === Math.max(...values)
        ? `${values[0]}`
        : `${Math.min(...values)}–${Math.max(...values)}`;
    };
    const ratios = rates.lifecycles.map((rate, i) => (rate / rates.bare[i]!).toFixed(2));
    console.log(
      `\n${LIFECYCLES} lifecycles (brouillon → en œuvre → clôturée) against ${LIFECYCLES} bare workflows of ` +
        `${counts.activities} activities, ${counts.timers} timers, ${counts.updates} ` +
        `updates, ${CONCURRENCY} at a time, ${ROUNDS} rounds, ${os.cpus().length} cores:`,
    );
    const summary = (rates: number[]) =>
      `best ${Math.max(...rates).toFixed(2)}  worst ${Math.min(...rates).toFixed(2)}  ` +
      `mean ${(rates.reduce((sum, rate) => sum + rate, 0) / rates.length).toFixed(2)}`;
    console.log(`  fiche lifecycles  ${summary(rates.lifecycles)} lifecycles/s`);
    console.log(`  bare workflows    ${summary(rates.bare)} workflows/s`);
    console.log(`  ratio per round   ${ratios.join(', ')}`);
    console.log(
      `  the last round's lifecycles: ${spread('activities')} activities, ` +
        `${spread('timers')} timers, ${spread('updates')} updates, ` +
        `${spread('events')} events; ${refusals} decisions taken again because the fiche was not yet on the agenda`,
    );
    console.log(
      `  load average (1 min) ${loadBefore.toFixed(1)} before the rounds, ${os.loadavg()[0]!.toFixed(1)} after`,
    );
  };
  await concerto.runUntil(bareWorker.runUntil(work()));
} finally {
  await nativeConnection.close();
  await connection.close();
  transport.close();
  await catcher.close();
  await db.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
