import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { takeStep, type ActionInput } from '../client/fiche-steps.js';
import { createRsvpSignaller } from '../client/signal-rsvp.js';
import { scheduleMeeting } from '../client/schedule-meeting.js';
import { startFiche } from '../client/start-fiche.js';
import type { InstanceKind } from '../domain/charter.js';
import type { Actor } from '../domain/lifecycle/model.js';
import type { ActionKind } from '../domain/lifecycle/vocabulary.js';
import demoSetup from '../prisma/seed/ctg-mellois-en-poitou-2023-2027.json' with { type: 'json' };
import { resolveDemoPeople, DEMO_PEOPLE, type DemoPeople } from '../store/conventions/demo-people.js';
import { findFreePort } from '../infra/process/ports.js';
import { importConventionSetup } from '../store/conventions/import-convention-setup.js';
import { openDatabase } from '../store/database/open-database.js';
import { createStore } from '../store/index.js';
import { createTestDatabase, startTestPostgres } from '../test/helpers/postgres.js';
import { privateTimeSkippingEnv } from '../test/helpers/time-skipping.js';
import { startWorkerProcess, type WorkerProcess } from '../test/helpers/worker-process.js';
import { writeWorkflowBundle } from '../worker/create-worker.js';
import { ficheStateQuery } from '../workflows/definitions.js';
import {
  fileMinutesUpdate,
  recordAttendanceUpdate,
  sendDecisionSummaryUpdate,
} from '../workflows/meeting-definitions.js';
import { percentile } from './percentile.js';
import { peakRssMiB } from './process-memory.js';

// `npm run bench:departement`: a département's year on PostgreSQL, a real worker and Temporal's
// time-skipping server: 30 conventions (the demo CTG imported under 30 names) × 60 fiches, taken
// in ROUNDS rounds a year through submission, the COTECH's avis at its meeting, the partners'
// opinions, the COPIL's adoption and the Bureau's validation at theirs, then closed. Each meeting
// is scheduled with its workflow (invitations, reminders), a third of its members accept and a
// third decline, and it is held (attendance, relevé de décisions, minutes). Mail goes to an SMTP
// server on loopback that reads and drops it. The worker runs in a process of its own, as `npm run
// worker` does, so its RSS is its own (the driver's and the relay's apart). BENCH_SCALE (0.01 … 1)
// takes a fraction of the conventions. Progress on stderr; one JSON line on stdout.

const SCALE = Math.min(1, Math.max(0.01, Number(process.env.BENCH_SCALE ?? 1)));
const CONVENTIONS = Math.max(1, Math.round(30 * SCALE));
const FICHES_PER_CONVENTION = 60;
const ROUNDS = 5;
/** The worker's sticky cache (TEMPORAL_MAX_CACHED_WORKFLOWS): more than the workflows a round has open at once. */
const MAX_CACHED_WORKFLOWS = Number(process.env.BENCH_CACHE ?? 2_000);
/** The worker's heap cap in MiB (`--max-old-space-size`, each of its isolates), none unless given. */
const WORKER_HEAP_MIB = process.env.BENCH_WORKER_HEAP ? Number(process.env.BENCH_WORKER_HEAP) : undefined;
/** How many fiche or meeting steps are taken at once, across conventions. */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
/**
 * BENCH_SERVER_PER_ROUND=1: a new time-skipping server each round, on the same port, its clock moved to where the
 * last one stopped; the worker reconnects to it. Temporal's test server slows down with every workflow task and
 * activity it has run (`bench:temporal-servers`, bench/README.md): this tells Concerto's own time from the server's.
 * A meeting still reminding its secretary at the end of a round stops there.
 */
const SERVER_PER_ROUND = process.env.BENCH_SERVER_PER_ROUND === '1';
const DAY = 86_400_000;
const MEETING_LEAD = 20 * DAY;
const BODIES: ReadonlyArray<{ kind: InstanceKind; slug: string }> = [
  { kind: 'cotech', slug: 'cotech' },
  { kind: 'copil', slug: 'copil' },
  { kind: 'bureau_communautaire', slug: 'bureau-communautaire' },
];

/** The relay: reads each message, keeps when it was accepted and its ledger key, drops the rest. */
async function startRelay(): Promise<{
  port: number;
  accepted: Array<{ key: string; at: number }>;
  close(): Promise<void>;
}> {
  const accepted: Array<{ key: string; at: number }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const key = /^x-concerto-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        // A copy: the match is a slice that would keep the whole header block alive (55 MiB over the year).
        accepted.push({ key: Buffer.from(key, 'latin1').toString('latin1'), at: Date.now() });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs the jobs, CONCURRENCY at a time. */
async function pool<T>(items: readonly T[], job: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await job(items[next++]!);
    }),
  );
}

/**
 * Skips the test server's time to `targetMs`. The sleep's answer can be lost: the test server drops a connection
 * whose keepalive pings it finds too frequent (« rejected by server because of excess pings »), and a call in
 * flight on it then never returns although the server slept (seen: the bench idle for minutes, the server's
 * clock past the target). So the server's clock is also read, on the reconnected channel, until it is there.
 */
async function skipTo(env: TestWorkflowEnvironment, targetMs: number): Promise<void> {
  const slept = env.sleep(Math.max(0, targetMs - (await env.currentTimeMs()))).then(() => true);
  while (!(await Promise.race([slept, delay(2_000).then(() => false)]))) {
    if ((await env.currentTimeMs()) >= targetMs) return;
  }
}

/**
 * Waits for a workflow's end by its description. The time-skipping client's `result()` unlocks the server's clock
 * and locks it again around its wait; a lost answer to one of those calls, retried, leaves the clock locked for
 * good (seen: round 2's meetings never reached, the server's clock at real pace during the sleep).
 */
async function ended(handle: WorkflowHandle): Promise<void> {
  for (;;) {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return;
    if (status.name !== 'RUNNING') throw new Error(`${handle.workflowId} ended ${status.name}`);
    await delay(100);
  }
}

/** A progress bar on stderr: how much of the year is done, the seconds since the start and the phase. */
function progress(done: number, total: number, phase: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const seconds = String(Math.round((performance.now() - wallStart) / 1000)).padStart(5);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} ${seconds} s ${phase.padEnd(40)}`,
  );
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const wallStart = performance.now();
const postgres = await startTestPostgres();
const database = await createTestDatabase(postgres.adminUrl, 'concerto_bench_departement');
const db = await openDatabase({ kind: 'postgres', url: database.url });
const relay = await startRelay();
/** The port every round's test server listens on, so that the worker's connection finds the next one. */
const temporalPort = await findFreePort();
let driverRssMax = 0;
/** The time-skipping server running now, and the worker process: torn down at the end. */
let temporal: { env: TestWorkflowEnvironment } | undefined;
let worker: WorkerProcess | undefined;
/** Where the workflows are bundled beforehand, as a deploy does (npm run build:workflows). */
const bundleDir = mkdtempSync(`${os.tmpdir()}/concerto-bench-`);
const sampler = setInterval(() => (driverRssMax = Math.max(driverRssMax, process.memoryUsage().rss)), 250);
try {
  const store = createStore(db.prisma);
  const taskQueue = `departement-${randomUUID()}`;
  const secret = randomUUID() + randomUUID();
  /** A time-skipping server and its client, its clock at `clockMs` when given. */
  const startTemporal = async (clockMs?: number) => {
    const env = await privateTimeSkippingEnv(temporalPort);
    temporal = { env };
    if (clockMs !== undefined) await skipTo(env, clockMs);
    const client: Client = env.client;
    return { env, client, deps: { client, store, taskQueue }, signalRsvp: createRsvpSignaller(client) };
  };
  type Temporal = Awaited<ReturnType<typeof startTemporal>>;

  const conventions: Array<{ id: string; people: DemoPeople }> = [];
  for (let c = 0; c < CONVENTIONS; c += 1) {
    const slug = `ctg-departement-${String(c + 1).padStart(2, '0')}`;
    await importConventionSetup(db.prisma, {
      ...demoSetup,
      convention: { ...demoSetup.convention, slug, name: `${demoSetup.convention.name} n° ${c + 1}` },
    });
    const { id } = await db.prisma.convention.findUniqueOrThrow({ where: { slug } });
    conventions.push({ id, people: await resolveDemoPeople(db.prisma, id) });
    progress(c + 1, CONVENTIONS, 'conventions imported');
  }

  const taken: Array<{ workflowId: string; at: number; kind: ActionKind }> = [];
  let meetings = 0;
  const perRound = FICHES_PER_CONVENTION / ROUNDS;
  // Per round: started, submitted, closed; per body: on the agenda, meets, held.
  const totalSteps = ROUNDS * (3 + BODIES.length * 3);
  let stepsDone = 0;
  const phase = (name: string) => progress(++stepsDone, totalSteps, name);

  /** Takes a step and times it: its mails are matched to it later. */
  const act = async <K extends ActionKind>(handle: WorkflowHandle, kind: K, input: ActionInput<K>) => {
    const at = Date.now();
    await takeStep(handle, kind, input);
    taken.push({ workflowId: handle.workflowId, at, kind });
  };
  const secretary = (people: DemoPeople, kind: InstanceKind): Actor =>
    kind === 'bureau_communautaire' ? people.secretaireBureau : people.secretaire;

  let lastRound: string[] = [];
  /** One round: its fiches started, taken through the three bodies' meetings, then closed. */
  const takeRound = async (round: number, { env, client, deps, signalRsvp }: Temporal) => {
    type Fiche = { handle: WorkflowHandle; ficheId: string; convention: (typeof conventions)[number] };
    const fiches: Fiche[] = [];
    await pool(
      conventions.flatMap((convention) => Array.from({ length: perRound }, (_, i) => ({ convention, i }))),
      async ({ convention, i }) => {
        const { ficheId, handle } = await startFiche(
          deps,
          convention.id,
          // Drafted by the demo's three GTTs in turn.
          {
            title: `Action ${round}-${i + 1} du département`,
            authorEmail: DEMO_PEOPLE.cooperateur.email,
            gtt: `gtt-${(i % 3) + 1}`,
          },
          DEMO_PEOPLE.cooperateur.email,
        );
        fiches.push({ handle, ficheId, convention });
      },
    );
    phase(`round ${round}: ${fiches.length} fiches started`);
    await pool(fiches, async ({ handle, ficheId, convention }) => {
      // As the HTTP API does, act once the workflow has recorded the fiche in the store.
      while (!(await db.prisma.ficheAction.findUnique({ where: { id: ficheId }, select: { id: true } })))
        await delay(50);
      await act(handle, 'submit', { actor: convention.people.cooperateur });
    });
    phase(`round ${round}: submitted`);

    for (const body of BODIES) {
      // Each convention's body meets MEETING_LEAD ahead of the server's clock.
      const startsAt = (await env.currentTimeMs()) + MEETING_LEAD;
      const held: Array<{ handle: WorkflowHandle; actor: Actor; meetingId: string }> = [];
      await pool(conventions, async (convention) => {
        const actor = secretary(convention.people, body.kind);
        const { meetingId, workflowId } = await scheduleMeeting(
          deps,
          convention.id,
          {
            instance: body.slug,
            title: `${body.slug} du tour ${round}`,
            startsAt: new Date(startsAt).toISOString(),
            endsAt: new Date(startsAt + 3 * 3_600_000).toISOString(),
            override: { reason: 'Banc d’essai : la date tombe où le banc la met.' },
          },
          actor,
          { now: new Date(await env.currentTimeMs()) },
        );
        held.push({ handle: client.workflow.getHandle(workflowId), actor, meetingId });
      });
      meetings += held.length;
      await pool(fiches, async ({ handle }) => {
        while ((await handle.query(ficheStateQuery)).agenda?.instanceKind !== body.kind) {
          // A workflow that ended here (failed) would be waited for forever: the year stops, saying why.
          const { status } = await handle.describe();
          if (status.name !== 'RUNNING') throw new Error(`${handle.workflowId} is ${status.name} before ${body.slug}`);
          await delay(100);
        }
      });
      phase(`round ${round}: ${body.slug} on the agenda`);
      // Answers: a third of the invited accept, a third decline, by their links.
      const invitations = await db.prisma.invitation.findMany({
        where: { meetingId: { in: held.map((m) => m.meetingId) } },
        select: { meetingId: true, person: { select: { email: true } } },
      });
      await pool(
        invitations.filter((_, i) => i % 3 !== 2),
        async (invitation) => {
          const answer = await store.meetings.recordRsvp({
            meeting: { id: invitation.meetingId },
            email: invitation.person.email,
            partstat: invitation.person.email.length % 2 ? 'ACCEPTED' : 'DECLINED',
            source: 'link',
            at: new Date(await env.currentTimeMs()),
          });
          await signalRsvp(answer);
        },
      );
      // The reminders go out while the clock runs to the meeting.
      await skipTo(env, startsAt + 3_600_000);
      phase(`round ${round}: ${body.slug} meets`);
      await pool(fiches, async ({ handle, convention }) => {
        const { people } = convention;
        if (body.kind === 'cotech') {
          await act(handle, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });
          await act(handle, 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
          await act(handle, 'recordPartnerOpinion', { actor: people.msa, partner: 'msa', opinion: 'favorable' });
        } else if (body.kind === 'copil') {
          await act(handle, 'recordCopilDecision', { actor: people.secretaire, outcome: 'adoptee' });
        } else {
          await act(handle, 'recordBureauValidation', { actor: people.secretaireBureau, outcome: 'validee' });
        }
      });
      await pool(held, async ({ handle, actor }) => {
        await handle.executeUpdate(recordAttendanceUpdate, {
          args: [{ actor, present: [], excused: [], proxies: [] }],
        });
        await handle.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor }] });
        await handle.executeUpdate(fileMinutesUpdate, {
          args: [{ actor, ref: `https://bench.test/${handle.workflowId}` }],
        });
      });
      phase(`round ${round}: ${body.slug} held`);
    }
    await pool(fiches, async ({ handle, convention }) => {
      await act(handle, 'close', { actor: convention.people.cooperateur, reason: 'Fin de l’année du banc' });
      await ended(handle);
    });
    phase(`round ${round}: closed`);
    lastRound = fiches.map((f) => f.handle.workflowId);
  };

  const workflowBundle = `${bundleDir}/workflow-bundle.js`;
  await writeWorkflowBundle(workflowBundle);
  let current = await startTemporal();
  worker = startWorkerProcess({
    temporalAddress: current.env.address,
    taskQueue,
    databaseUrl: database.url,
    smtpUrl: `smtp://127.0.0.1:${relay.port}?rateLimit=0&maxConnections=10`,
    linkSecret: secret,
    env: {
      TEMPORAL_MAX_CACHED_WORKFLOWS: String(MAX_CACHED_WORKFLOWS),
      TEMPORAL_WORKFLOW_BUNDLE: workflowBundle,
      PUBLIC_URL: 'http://concerto.test',
    },
    ...(WORKER_HEAP_MIB ? { heapCapMiB: WORKER_HEAP_MIB } : {}),
  });
  await worker.ready;
  for (let round = 1; round <= ROUNDS; round += 1) {
    if (round > 1 && SERVER_PER_ROUND) {
      const clockMs = await current.env.currentTimeMs();
      await current.env.teardown();
      temporal = undefined;
      current = await startTemporal(clockMs);
    }
    // A worker that stops stops the year, saying why.
    await Promise.race([takeRound(round, current), worker.stopped]);
  }
  process.stderr.write('\n');
  const workerRssMaxMiB = peakRssMiB(worker.child.pid!);

  // Counted, not assumed: a sample of the year's last lifecycles, read from their histories.
  const counts = await Promise.all(
    lastRound.slice(0, 20).map(async (workflowId) => {
      const events = (await current.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      return { activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length, events: events.length };
    }),
  );
  const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);

  // Decision → mail: from a body's decision to the last of its mails the relay accepted, i.e. its workflow's mails
  // before the next step of that workflow, whatever that step is (the closing's mails are the closing's).
  const byWorkflow = new Map<string, number[]>();
  for (const { key, at } of relay.accepted) {
    const workflowId = key.split(':')[0]!;
    byWorkflow.set(workflowId, [...(byWorkflow.get(workflowId) ?? []), at]);
  }
  const starts = new Map<string, Array<{ at: number; kind: ActionKind }>>();
  for (const { workflowId, ...step } of taken) starts.set(workflowId, [...(starts.get(workflowId) ?? []), step]);
  const delays: Array<{ ms: number; kind: ActionKind }> = [];
  for (const [workflowId, steps] of starts) {
    steps.sort((a, b) => a.at - b.at);
    const mails = byWorkflow.get(workflowId) ?? [];
    steps.forEach(({ at, kind }, i) => {
      if (kind === 'submit' || kind === 'close') return;
      const until = steps[i + 1]?.at ?? Infinity;
      const own = mails.filter((t) => t >= at && t < until);
      if (own.length) delays.push({ ms: Math.max(...own) - at, kind });
    });
  }
  const quantile = (q: number, of = delays) =>
    percentile(
      of.map((d) => d.ms).sort((a, b) => a - b),
      q * 100,
    ) ?? null;
  // Where the tail is: the p99 of each kind of decision.
  const kinds = [...new Set(delays.map((d) => d.kind))];
  const p99ByKind = Object.fromEntries(
    kinds.map((kind) => [
      kind,
      quantile(
        0.99,
        delays.filter((d) => d.kind === kind),
      ),
    ]),
  );

  console.log(
    JSON.stringify({
      conventions: CONVENTIONS,
      fiches: CONVENTIONS * FICHES_PER_CONVENTION,
      meetings,
      mails: relay.accepted.length,
      wallSeconds: Math.round((performance.now() - wallStart) / 1000),
      activitiesPerLifecycle: mean(counts.map((c) => c.activities)),
      eventsPerLifecycle: mean(counts.map((c) => c.events)),
      p99DecisionToMailMs: quantile(0.99),
      p50DecisionToMailMs: quantile(0.5),
      p90DecisionToMailMs: quantile(0.9),
      p99DecisionToMailMsByKind: p99ByKind,
      workerRssMaxMiB,
      driverRssMaxMiB: Math.round(driverRssMax / 2 ** 20),
      scale: SCALE,
      maxCachedWorkflows: MAX_CACHED_WORKFLOWS,
      serverPerRound: SERVER_PER_ROUND,
      workerHeapCapMiB: WORKER_HEAP_MIB ?? null,
      cores: os.cpus().length,
      loadAverage: os.loadavg()[0],
    }),
  );
} catch (error) {
  // Said before the teardown, whose closed channels may end the process first.
  console.error('\nbench:departement stopped:', error);
  throw error;
} finally {
  clearInterval(sampler);
  await worker?.stop();
  rmSync(bundleDir, { recursive: true, force: true });
  await temporal?.env.teardown();
  await relay.close();
  await db.close();
  await database.drop();
  await postgres.stop();
}
