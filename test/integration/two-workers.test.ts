import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveToValidation, takeStep } from '../../client/fiche-steps.js';
import { startFiche } from '../../client/start-fiche.js';
import type { InstanceKind } from '../../domain/charter.js';
import { resolveDemoPeople, DEMO_PEOPLE, type DemoPeople } from '../../store/conventions/demo-people.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import type { Database } from '../../store/database/open-database.js';
import { createStore } from '../../store/index.js';
import { ficheStateQuery, meetingScheduledSignal } from '../../workflows/definitions.js';
import { openTestDatabase } from '../helpers/database.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { devServerEnv, startTestWorkerProcess, uniqueTaskQueue } from '../helpers/temporal.js';
import { eventually } from '../helpers/time-skipping.js';
import type { WorkerProcess } from '../helpers/worker-process.js';

// Scale-out: two `npm run worker` processes on one task queue, PostgreSQL, an SMTP relay. One is
// SIGKILLed once every fiche has had its COTECH avis; the other finishes every lifecycle, and each
// decision and each ledger line exists once; each mail reaches the relay, a copy only where the kill
// cut its sending, under the same Message-ID.

const LIFECYCLES = 3;
/** A meeting is convened this far ahead when a fiche needs one; none starting sooner than TOO_CLOSE_MS will do. */
const MEETING_LEAD_MS = 4_000;
const TOO_CLOSE_MS = 2_000;
const REVIEWING: readonly InstanceKind[] = ['cotech', 'copil', 'bureau_communautaire'];

/**
 * While a workflow task fails (a signal came in as it completed: Temporal fails it and runs it
 * again), the server refuses an update outright rather than waiting; the secretary tries again.
 */
async function takeStepAgain<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const refused = /Workflow Task in failed state/.test(String((error as Error).cause ?? ''));
      if (!refused || attempt >= 20) throw error;
      await sleep(500);
    }
  }
}

describe('two workers on one task queue, one killed mid-way', () => {
  let env: TestWorkflowEnvironment;
  let db: Database & { url?: string };
  let sink: SmtpSink;
  let conventionId: string;
  let people: DemoPeople;
  let instances: Map<string, string>;
  const spawned: WorkerProcess[] = [];

  beforeAll(async () => {
    env = await devServerEnv();
    db = await openTestDatabase('postgres');
    sink = await new SmtpSink().start();
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    people = await resolveDemoPeople(db.prisma, conventionId);
    const rows = await db.prisma.instance.findMany({
      where: { conventionId, kind: { in: [...REVIEWING] } },
      distinct: ['kind'],
    });
    instances = new Map(rows.map((row) => [row.kind, row.id]));
  });

  afterAll(async () => {
    for (const { child } of spawned) if (child.exitCode === null) child.kill('SIGKILL');
    await sink?.stop();
    await db?.close();
    await env?.teardown();
  });

  /**
   * Meetings of the reviewing bodies, convened when a fiche waits for one: a row starting
   * MEETING_LEAD_MS ahead (no meeting workflow: the fiche workflows place themselves on it), and
   * the fiches told, as scheduling a meeting tells them.
   */
  function meetingPlanner(handles: () => WorkflowHandle[]) {
    const soonest = new Map<string, number>();
    const planning = new Map<string, Promise<void>>();
    return async (kind: InstanceKind) => {
      if ((soonest.get(kind) ?? 0) > Date.now() + TOO_CLOSE_MS) return;
      let pending = planning.get(kind);
      if (!pending) {
        pending = (async () => {
          const startsAt = Date.now() + MEETING_LEAD_MS;
          await db.prisma.meeting.create({
            data: {
              conventionId,
              instanceId: instances.get(kind)!,
              title: `${kind} ${new Date(startsAt).toISOString()}`,
              startsAt: new Date(startsAt),
              endsAt: new Date(startsAt + 3_600_000),
              status: 'planifiee',
              icalUid: `${randomUUID()}@concerto`,
            },
          });
          soonest.set(kind, startsAt);
          // A fiche already through its review has ended its workflow: it has nothing to hear.
          const tell = (h: WorkflowHandle) =>
            h.signal(meetingScheduledSignal, { instanceKind: kind }).catch((error: unknown) => {
              if (!(error instanceof WorkflowNotFoundError)) throw error;
            });
          await Promise.all(handles().map(tell));
        })().finally(() => planning.delete(kind));
        planning.set(kind, pending);
      }
      await pending;
    };
  }

  /** Which of the worker identities took the workflow's tasks and activities, each with its count. */
  async function identities(handle: WorkflowHandle): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for (const event of (await handle.fetchHistory()).events ?? []) {
      const identity =
        event.workflowTaskStartedEventAttributes?.identity ?? event.activityTaskStartedEventAttributes?.identity;
      if (identity) seen.set(identity, (seen.get(identity) ?? 0) + 1);
    }
    return seen;
  }

  it.each([0, 1])(
    'completes every lifecycle once when worker %i of 2 is killed',
    async (victim) => {
      const taskQueue = uniqueTaskQueue('two-workers');
      const start = () => startTestWorkerProcess({ taskQueue, databaseUrl: db.url!, smtpUrl: sink.url });
      // The victim starts alone and takes each lifecycle's first tasks: its death then always matters,
      // whichever worker the server would have favoured.
      const workers: WorkerProcess[] = [];
      workers[victim] = start();
      spawned.push(workers[victim]);
      await workers[victim].ready;

      const store = createStore(db.prisma);
      const started = await Promise.all(
        Array.from({ length: LIFECYCLES }, (_, i) =>
          startFiche(
            { client: env.client, store, taskQueue },
            conventionId,
            { title: `Fiche ${victim}-${i} à deux workers`, authorEmail: DEMO_PEOPLE.cooperateur.email },
            DEMO_PEOPLE.cooperateur.email,
          ),
        ),
      );
      const handles = started.map((s) => s.handle);
      await eventually(
        async () => (await Promise.all(handles.map(identities))).every((seen) => seen.has(workers[victim]!.identity)),
        'the victim taking each lifecycle',
        60_000,
      );
      workers[1 - victim] = start();
      spawned.push(workers[1 - victim]!);
      await workers[1 - victim]!.ready;
      const ensureMeeting = meetingPlanner(() => handles);
      let avisRecorded = 0;
      let killed!: () => void;
      const killedAt = new Promise<void>((resolve) => (killed = resolve));

      const drive = async ({ ficheId, handle }: (typeof started)[number]) => {
        await eventually(() => db.prisma.ficheAction.findUnique({ where: { id: ficheId } }), 'the fiche row', 60_000);
        const holdMeeting = async (kind: InstanceKind) => {
          const agenda = await eventually(
            async () => {
              const { agenda } = await handle.query(ficheStateQuery);
              if (agenda?.instanceKind === kind) return agenda;
              await ensureMeeting(kind);
              return undefined;
            },
            `${ficheId} on a ${kind} agenda`,
            90_000,
          );
          await sleep(Math.max(0, Date.parse(agenda.startsAt) - Date.now()) + 200);
        };
        const act: Parameters<typeof driveToValidation>[0]['act'] = async (kind, input) => {
          const state = await takeStepAgain(() => takeStep(handle, kind, input));
          // Mid-way: once every fiche has its avis, and while its mails leave, the victim dies.
          if (kind === 'recordAvis' && ++avisRecorded === LIFECYCLES) killed();
          return state;
        };
        await driveToValidation({ act, holdMeeting }, people);
        await act('close', { actor: people.cooperateur, reason: 'Fin de l’essai à deux workers' });
        await handle.result();
      };

      const lifecycles = Promise.all(started.map(drive)).catch(async (error: unknown) => {
        for (const handle of handles)
          for (const event of (await handle.fetchHistory()).events ?? [])
            if (event.workflowTaskFailedEventAttributes)
              console.error(handle.workflowId, JSON.stringify(event.workflowTaskFailedEventAttributes).slice(0, 3000));
        throw error;
      });
      await Promise.race([killedAt, lifecycles]);
      const before = await Promise.all(handles.map(identities));
      workers[victim]!.child.kill('SIGKILL');
      await lifecycles;

      const survivor = workers[1 - victim]!;
      for (const [i, { ficheId, handle }] of started.entries()) {
        // The survivor finished what the victim left.
        expect((await identities(handle)).get(survivor.identity) ?? 0).toBeGreaterThan(
          before[i]!.get(survivor.identity) ?? 0,
        );
        expect((await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId } })).status).toBe('cloturee');
        const decisions = await db.prisma.decision.findMany({
          where: { ficheId },
          select: { stage: true, outcome: true },
          orderBy: { decidedAt: 'asc' },
        });
        expect(decisions.map((d) => d.outcome)).toEqual(['favorable', 'adoptee', 'validee']);
      }

      // Every line of the ledger sent and every one reached the relay. A line sent again is one whose
      // attempt the kill cut between the relay's 250 and the ledger's write (README, « Delivery
      // guarantees »): the copy carries the line's Message-ID, so the relay and mail clients know it.
      const ledger = await db.prisma.notification.findMany({
        where: { OR: handles.map((h) => ({ idempotencyKey: { startsWith: `${h.workflowId}:` } })) },
        select: { idempotencyKey: true, status: true, messageId: true, attempts: true },
      });
      expect(ledger.length).toBeGreaterThan(LIFECYCLES * 10);
      expect(ledger.filter((line) => line.status !== 'sent')).toEqual([]);
      const lines = new Map(ledger.map((line) => [line.idempotencyKey, line]));
      const copies = new Map<string, string[]>();
      for (const message of sink.accepted) {
        const key = message.parsed.headers.get('x-concerto-key') as string;
        if (lines.has(key)) copies.set(key, [...(copies.get(key) ?? []), message.messageId ?? '']);
      }
      expect([...copies.keys()].toSorted()).toEqual([...lines.keys()].toSorted());
      for (const [key, messageIds] of copies) {
        const line = lines.get(key)!;
        expect(new Set(messageIds)).toEqual(new Set([line.messageId]));
        if (messageIds.length > 1) expect(line.attempts).toBeGreaterThan(1);
      }
      await Promise.all(workers.map(async ({ child }) => child.exitCode === null && child.kill('SIGTERM')));
    },
    420_000,
  );
});
