import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type { InstanceKind } from '../../domain/charter.js';
import { findFreePort } from '../../infra/process/ports.js';
import { resolveTemporalBinary } from '../../infra/temporal/binaries.js';
import { startDevServer, type DevServer, type DevServerOptions } from '../../infra/temporal/dev-server.js';
import { resolveDemoPeople } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { openDatabase } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { createTestDatabase, startTestPostgres } from '../../test/helpers/postgres.js';
import { TASK_QUEUE } from '../../workflows/definitions.js';
import type { Harness } from './harness.js';
import { driveLifecycle } from './lifecycle.js';
import { MeetingPlanner } from './meetings.js';
import { readOptions } from './options.js';
import { GiveUp, persist } from './persist.js';
import { pickAddresses, planChaos, type ChaosEvent } from './plan.js';
import { CountingRelay } from './relay.js';
import { ProgressWatch, surveyWorkflows, type WorkflowSighting } from './survey.js';
import { normalizeMessageId, tallyMail } from './tally.js';
import { WorkerProcesses } from './workers.js';

// `npm run chaos`: fiche lifecycles with their meetings on PostgreSQL, a Temporal dev server, two
// worker processes and a loopback relay counting Message-IDs, while workers are SIGKILLed, Temporal
// and PostgreSQL restarted and the relay deferring (421) or refusing (550) mail. Progress on
// stderr; the last line on stdout is the JSON of the figures (README, "Chaos run").

const WORKERS = 2;
const REVIEWING_BODIES: readonly InstanceKind[] = ['cotech', 'copil', 'bureau_communautaire'];
const SURVEY_EVERY_MS = 10_000;
const FAILED = new Set(['FAILED', 'TERMINATED', 'TIMED_OUT']);

let options;
try {
  options = readOptions(process.env, process.argv.slice(2), () => randomInt(2 ** 31));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const started = Date.now();
const log = (line: string) => process.stderr.write(`[chaos +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
const plan = planChaos(options, WORKERS);
log(`seed ${options.seed}: ${JSON.stringify(options)}`);
log(`plan: ${plan.events.map((e) => `${(e.at / 1000).toFixed(0)}s ${e.kind}`).join(', ')}`);

/** Which parts the harness has taken down, and who waits for them to be back. */
const down = new Set<string>();
let waiting: Array<() => void> = [];
const takeDown = (part: string) => down.add(part);
const bringUp = (part: string) => {
  down.delete(part);
  if (down.size > 0) return;
  waiting.forEach((resolve) => resolve());
  waiting = [];
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'concerto-chaos-'));
// Interrupted, the run still goes through the exit hooks that stop its workers, servers and cluster.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const postgres = await startTestPostgres();
if (options.postgresRestarts > 0 && !postgres.restart)
  throw new Error(
    'TEST_DATABASE_URL is set: the run cannot restart that server. Unset it, or set CHAOS_POSTGRES_RESTARTS=0.',
  );
const database = await createTestDatabase(postgres.adminUrl, 'concerto_chaos');
const db = await openDatabase({ kind: 'postgres', url: database.url });
await loadDemo(db.prisma);
const conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
const instances = await db.prisma.instance.findMany({
  where: { conventionId, kind: { in: [...REVIEWING_BODIES] } },
  orderBy: { slug: 'asc' },
});
// Meetings are convened seconds ahead: the run's convention asks no jours francs.
await db.prisma.instance.updateMany({ where: { conventionId }, data: { convocationDelayDays: 0 } });
const slugs = Object.fromEntries(REVIEWING_BODIES.map((kind) => [kind, instances.find((i) => i.kind === kind)!.slug]));
const members = await db.prisma.membership.findMany({
  where: { instance: { conventionId } },
  select: { person: { select: { email: true } } },
});
const refused = pickAddresses(
  members.map((m) => m.person.email),
  options.refusedAddresses,
  options.seed,
);
log(`relay refuses for good (550): ${refused.join(', ') || 'nobody'}`);
const relay = await new CountingRelay(new Set(refused)).start();

const devServerOptions: DevServerOptions = {
  cliPath: (await resolveTemporalBinary('cli')).path,
  dbFilename: path.join(dir, 'temporal.db'),
  port: await findFreePort(),
  uiPort: false,
  startTimeoutMs: 60_000,
};
let temporal: DevServer = await startDevServer(devServerOptions);
const connection = await Connection.connect({ address: temporal.address });
const client = new Client({ connection });
const workers = new WorkerProcesses(
  WORKERS,
  {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: database.url,
    SMTP_URL: relay.url,
    MAIL_FROM: 'Concerto <concerto@chaos.test>',
    LINK_SECRET: randomBytes(32).toString('hex'),
    CONCERTO_LOG_LEVEL: 'ERROR',
  },
  log,
);

// The window opens once the parts are set up: the plan's times count from here.
const windowOpens = Date.now();
const windowEnds = windowOpens + options.windowSeconds * 1000;
const deadline = windowEnds + options.settleSeconds * 1000;
const harness: Harness = {
  client,
  store: createStore(db.prisma),
  prisma: db.prisma,
  conventionId,
  people: await resolveDemoPeople(db.prisma, conventionId),
  taskQueue: TASK_QUEUE,
  deadline,
  log,
  whenUp: () => (down.size === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve))),
};
const meetings = new MeetingPlanner(harness, slugs, options.meetingLeadSeconds * 1000);
const faults = { workerKills: 0, temporalRestarts: 0, postgresRestarts: 0, relayDownSeconds: 0 };

async function restartTemporal(downMs: number): Promise<void> {
  takeDown('temporal');
  process.kill(temporal.pid, 'SIGKILL');
  await temporal.stop();
  await sleep(downMs);
  for (let attempt = 1; ; attempt += 1) {
    try {
      temporal = await startDevServer(devServerOptions);
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      log(`the Temporal dev server did not come back (${(error as Error).message.split('\n')[0]}): again`);
      await sleep(2000);
    }
  }
  bringUp('temporal');
}

let restarting = Promise.resolve();
async function inflict(event: ChaosEvent): Promise<void> {
  log(`fault: ${JSON.stringify(event)}`);
  if (event.kind === 'kill-worker') {
    workers.kill(event.worker, event.downMs);
    faults.workerKills += 1;
  } else if (event.kind === 'restart-temporal') {
    // One server restart at a time, whatever their plan.
    await (restarting = restarting.then(() => restartTemporal(event.downMs)));
    faults.temporalRestarts += 1;
  } else if (event.kind === 'restart-postgres') {
    takeDown('postgres');
    await postgres.restart!(event.downMs);
    bringUp('postgres');
    faults.postgresRestarts += 1;
  } else {
    relay.down = true;
    await sleep(event.forMs);
    relay.down = false;
    faults.relayDownSeconds += event.forMs / 1000;
  }
  log(`fault over: ${event.kind}`);
}

const watch = new ProgressWatch();
let sightings: WorkflowSighting[] = [];
const driven = { finished: 0, gaveUp: 0 };
let watching = true;
const surveying = (async () => {
  while (watching) {
    try {
      sightings = await call(() => surveyWorkflows(client));
      watch.observe(sightings, Date.now());
      const statuses = countBy(sightings.map((s) => s.status));
      log(
        `lifecycles ${driven.finished} driven, ${driven.gaveUp} given up of ${options.lifecycles}; ` +
          `workflows ${JSON.stringify(statuses)}; relay ${JSON.stringify(relay.counts)}; ` +
          `workers ${JSON.stringify(workers.counts)}`,
      );
    } catch (error) {
      log(`survey: ${(error as Error).message.split('\n')[0]}`);
    }
    await sleep(SURVEY_EVERY_MS);
  }
})();

function call<T>(fn: () => Promise<T>): Promise<T> {
  return connection.withDeadline(Date.now() + 30_000, fn);
}

/** An error's message and those of its causes, outermost first, each on its first line. */
function causes(error: unknown): string {
  const messages: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) messages.push(e.message.split('\n')[0]!);
  return messages.join(' ← ');
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

let exitCode = 0;
try {
  log(`set up; the window opens for ${options.windowSeconds} s (times in the plan count from here)`);
  workers.startAll();
  const chaos = Promise.all(
    plan.events.map((event) => sleep(windowOpens + event.at - Date.now()).then(() => inflict(event))),
  );
  const drivers = plan.starts.map(async (at, index) => {
    await sleep(windowOpens + at - Date.now());
    const title = `Fiche du chaos n° ${index + 1}`;
    try {
      await driveLifecycle(harness, meetings, title);
      driven.finished += 1;
      log(`${title}: closed`);
    } catch (error) {
      driven.gaveUp += 1;
      log(`${title}: given up: ${error instanceof GiveUp ? error.message : (error as Error).stack}`);
    }
  });
  await chaos;
  log('chaos window over: every part is up, the relay refuses only its 550 addresses');
  await Promise.all(drivers);
  await meetings.holdAll();
  log('every lifecycle driven and every meeting held (or given up): settling');
  while (Date.now() < deadline && (sightings.length === 0 || sightings.some((s) => s.status === 'RUNNING')))
    await sleep(SURVEY_EVERY_MS);
  watching = false;
  await surveying;
  const now = Date.now();
  const final = await persist('the last survey', () => call(() => surveyWorkflows(client)), {
    deadline: now + 60_000,
    log,
  });
  watch.observe(final, now);
  const stuck = watch.stalled(final, now, options.stallSeconds * 1000);
  const failed = final.filter((s) => FAILED.has(s.status));
  for (const s of failed.slice(0, 10)) {
    const why = await client.workflow
      .getHandle(s.workflowId)
      .result()
      .then(
        () => 'no failure',
        (error: Error) => causes(error),
      );
    log(`failed: ${s.workflowId} (${s.type}, ${s.status}): ${why}`);
  }
  for (const s of stuck.slice(0, 10)) {
    const { raw } = await client.workflow.getHandle(s.workflowId).describe();
    const pending = (raw.pendingActivities ?? []).map(
      (a) => `${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? 'no failure'}`,
    );
    log(
      `stuck: ${s.workflowId} (${s.type}, ${s.historyLength} events): ${pending.join('; ') || 'no pending activity'}`,
    );
  }

  const lines = await persist('the ledger', () => db.prisma.notification.findMany(), { deadline: now + 60_000, log });
  const mail = tallyMail(lines, relay.deliveries, new Set(refused));
  const lineOf = (id: string) => lines.find((l) => normalizeMessageId(l.messageId) === id);
  for (const id of mail.lostMessageIds.slice(0, 10)) {
    const line = lineOf(id);
    log(
      `lost: ${id} to ${line?.recipient} (${line?.idempotencyKey}, ledger: ${line?.status}, ${line?.lastError ?? ''})`,
    );
  }
  for (const id of mail.duplicatedMessageIds.slice(0, 10)) {
    const line = lineOf(id);
    const times = relay.deliveries
      .filter((d) => d.messageId !== null && normalizeMessageId(d.messageId) === id)
      .map((d) => `+${((d.at - started) / 1000).toFixed(1)}s`);
    log(`duplicated: ${id} to ${line?.recipient} (${line?.idempotencyKey}), delivered at ${times.join(', ')}`);
  }
  const fiches = final.filter((s) => s.type === 'ficheLifecycleWorkflow');
  const figures = {
    lifecycles: options.lifecycles,
    mailsExpected: mail.mailsExpected,
    delivered: mail.delivered,
    duplicates: mail.duplicates,
    lost: mail.lost,
    failedWorkflows: failed.length,
    stuckWorkflows: stuck.length,
    refused: mail.refused,
    unknownDeliveries: mail.unknownDeliveries,
    deliveredNotMarkedSent: mail.deliveredNotMarkedSent,
    stillRunning: final.filter((s) => s.status === 'RUNNING').length,
    lifecyclesDriven: driven.finished,
    lifecyclesCompleted: fiches.filter((s) => s.status === 'COMPLETED').length,
    meetings: meetings.counts,
    workflows: countBy(final.map((s) => `${s.type}:${s.status}`)),
    ledger: countBy(lines.map((l) => l.status)),
    relay: relay.counts,
    faults: { ...faults, workerExitsByThemselves: workers.counts.exitedByThemselves },
    refusedAddresses: refused,
    seed: options.seed,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    commit: commitOf(),
  };
  console.log(JSON.stringify(figures));
} catch (error) {
  log(`the run itself failed: ${(error as Error).stack}`);
  exitCode = 1;
} finally {
  watching = false;
  await workers.stopAll();
  await connection.close();
  await temporal.stop();
  await relay.stop();
  await db.close();
  await database.drop().catch(() => undefined);
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}
process.exit(exitCode);

function commitOf(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}
