import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driveToValidation, takeStep, type ActionInput } from '../../client/fiche-steps.js';
import { INSTANCE_KIND_LABELS, REFERENCE_CHARTER, type InstanceKind } from '../../domain/charter.js';
import { DomainError } from '../../domain/errors.js';
import { parseAction } from '../../domain/lifecycle/action-schemas.js';
import { positionOf, type Actor, type LifecycleState } from '../../domain/lifecycle/model.js';
import { pendingStep } from '../../domain/lifecycle/pending-step.js';
import { check } from '../../domain/lifecycle/rules.js';
import { apply, initialState } from '../../domain/lifecycle/transitions.js';
import {
  AVIS_OUTCOMES,
  BUREAU_OUTCOMES,
  COPIL_OUTCOMES,
  PARTNER_OPINIONS,
  PARTNERS,
  STAGES,
  isTerminal,
  type ActionKind,
} from '../../domain/lifecycle/vocabulary.js';
import { addLocalDays, anniversary, atLocalTime, dayAfterAt, fromLocal, toLocal } from '../../domain/paris-time.js';
import { Prisma, type Meeting } from '../../generated/prisma/client.js';
import type { Database } from '../../store/database/open-database.js';
import type { CaughtMessage, MailCatcher } from '../../infra/smtp-in/mail-catcher.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { ficheStateQuery, meetingScheduledSignal, type FicheLifecycleInput } from '../../workflows/definitions.js';
import type { FicheState } from '../../domain/fiche-views.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { ficheDeadlines } from '../../client/fiche-deadlines.js';
import { listFiches } from '../../store/fiches/list-fiches.js';
import { listFichePositions } from '../../store/fiches/list-fiche-positions.js';
import { openTestDatabase } from '../helpers/database.js';
import { timeSkippingEnv } from '../helpers/temporal.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { startTestWorker, type TestWorker } from '../helpers/test-worker.js';
import { acceptedUpdates, updateRefusal as refusal } from '../helpers/updates.js';

// One time-skipping server per run, and its clock is global: the tests of this file run in order
// and move it forward only (days, then a DST change months ahead, then a year).

const ZONE = 'Europe/Paris';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Not a member of any instance: the pilot falls back to the author, whose mails are easy to pick out. */
const AUTHOR = 'redactrice.fiche@example.org';
const PEOPLE = {
  cooperateur: 'directrice.education@example.org',
  /** The secretary of the COTECH and of the COPIL. */
  secretaire: 'assistante.education@example.org',
  secretaireBureau: 'secretariat.assemblees@example.org',
  caf: 'caf.action-sociale@example.org',
  msa: 'msa.action-sanitaire-sociale@example.org',
  /** A member of the COPIL with no power to record anything. */
  membre: 'direction.aide-domicile@example.org',
  pilote: 'coordinateur.0-6-ans@example.org',
};

type Handle = WorkflowHandle<typeof ficheLifecycleWorkflow>;
type Actors = Record<'cooperateur' | 'secretaire' | 'secretaireBureau' | 'caf' | 'msa' | 'membre' | 'admin', Actor>;

describe('ficheLifecycleWorkflow (time-skipping server, PGlite with the demo, real SMTP)', () => {
  let env: TestWorkflowEnvironment;
  let db: Database;
  let stack: TestWorker;
  let catcher: MailCatcher;
  let taskQueue: string;
  let conventionId: string;
  let A: Actors;
  const instances = new Map<InstanceKind, { id: string; name: string }>();
  const started: Handle[] = [];

  beforeAll(async () => {
    [env, db] = await Promise.all([timeSkippingEnv(), openTestDatabase('pglite')]);
    await loadDemo(db.prisma);
    conventionId = (await db.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
    for (const instance of await db.prisma.instance.findMany({ where: { conventionId } })) {
      if (!instances.has(instance.kind as InstanceKind)) instances.set(instance.kind as InstanceKind, instance);
    }
    const actor = (email: string, appRole: Actor['appRole']) => resolveActor(db.prisma, conventionId, email, appRole);
    A = {
      cooperateur: await actor(PEOPLE.cooperateur, 'cooperateur'),
      secretaire: await actor(PEOPLE.secretaire, 'secretaire_instance'),
      secretaireBureau: await actor(PEOPLE.secretaireBureau, 'secretaire_instance'),
      caf: await actor(PEOPLE.caf, 'partenaire'),
      msa: await actor(PEOPLE.msa, 'partenaire'),
      membre: await actor(PEOPLE.membre, 'membre'),
      admin: { email: 'admin@example.org', appRole: 'admin', instanceRoles: {} },
    };
    stack = await startTestWorker(env, db, 'fiche');
    ({ catcher, taskQueue } = stack);
  });

  afterEach(async () => {
    // Nothing of one test may wake up in the next one's time jumps, nor take its meetings.
    for (const handle of started.splice(0)) await stop(handle);
    await db.prisma.meeting.updateMany({
      where: { conventionId, status: { in: ['planifiee', 'convoquee'] } },
      data: { status: 'tenue' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await db?.close();
    await env?.teardown();
  });

  // ---------------------------------------------------------------------------------------------
  // Helpers

  async function eventually<T>(
    probe: () => Promise<T | undefined | null | false>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await delay(50);
    }
  }

  const now = async () => new Date(await env.currentTimeMs());

  /** Moves the test server's clock to `target` (time skipping: instant), once the workflow is idle. */
  async function sleepUntil(handle: Handle, target: Date): Promise<void> {
    await idle(handle);
    const ms = target.getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  }

  /**
   * The workflow's final state once it has completed. Not `handle.result()`: it unlocks time
   * skipping while it waits, and with only activities in flight the server jumps years ahead.
   */
  async function finished(handle: Handle): Promise<FicheState> {
    const status = await eventually(async () => {
      const { name } = (await handle.describe()).status;
      return name === 'RUNNING' ? undefined : name;
    }, 'the workflow to complete');
    expect(status).toBe('COMPLETED');
    return handle.query(ficheStateQuery);
  }

  /**
   * Ends a workflow still running the way a person would (withdraw the version under review, or
   * close the fiche), and waits until its last mails are out. Not a plain terminate: the test
   * server keeps time skipping locked for an activity in flight when its workflow is terminated,
   * and every later `env.sleep` would then last as long as it says.
   */
  async function stop(handle: Handle): Promise<void> {
    if ((await handle.describe()).status.name !== 'RUNNING') return;
    const { lifecycle } = await handle.query(ficheStateQuery);
    if (lifecycle.review) await act(handle, 'withdraw', { actor: A.admin, reason: 'Fin du test' });
    else if (lifecycle.stage === 'en_oeuvre') await act(handle, 'close', { actor: A.admin, reason: 'Fin du test' });
    else await handle.terminate('end of test');
    await finished(handle).catch(() => undefined);
  }

  /** No activity in flight now. */
  async function idleNow(handle: Handle): Promise<boolean> {
    const { raw, status } = await handle.describe();
    return status.name !== 'RUNNING' || (raw.pendingActivities?.length ?? 0) === 0;
  }

  /** No activity in flight: the clock may jump without timing one out. */
  async function idle(handle: Handle): Promise<void> {
    await eventually(() => idleNow(handle), 'the workflow to have no activity in flight');
  }

  async function startFiche(
    name: string,
    timing?: FicheLifecycleInput['timing'],
    queue = taskQueue,
  ): Promise<{ handle: Handle; ficheId: string; code: string }> {
    const ficheId = randomUUID();
    const handle = await env.client.workflow.start(ficheLifecycleWorkflow, {
      taskQueue: queue,
      workflowId: `fiche-${name}-${ficheId.slice(0, 8)}`,
      args: [
        {
          ficheId,
          conventionId,
          title: `Fiche ${name}`,
          authorEmail: AUTHOR,
          charter: REFERENCE_CHARTER,
          ...(timing ? { timing } : {}),
        },
      ],
    });
    started.push(handle);
    const code = await eventually(async () => (await handle.query(ficheStateQuery)).code, 'the fiche to be recorded');
    return { handle, ficheId, code };
  }

  function act<K extends ActionKind>(handle: Handle, kind: K, input: ActionInput<K>): Promise<FicheState> {
    return takeStep(handle, kind, input);
  }

  /** The failure an update was refused with (by its validator: nothing enters history). */
  async function scheduleMeeting(kind: InstanceKind, startsAt: Date): Promise<Meeting> {
    const instance = instances.get(kind)!;
    return db.prisma.meeting.create({
      data: {
        conventionId,
        instanceId: instance.id,
        title: `${INSTANCE_KIND_LABELS[kind]} du ${startsAt.toISOString()}`,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * HOUR),
        status: 'planifiee',
        icalUid: `${randomUUID()}@concerto.test`,
      },
    });
  }

  async function onAgendaOf(handle: Handle, meeting: Meeting): Promise<FicheState> {
    return eventually(async () => {
      const state = await handle.query(ficheStateQuery);
      return state.agenda?.meetingId === meeting.id ? state : undefined;
    }, `the fiche to be on the agenda of ${meeting.title}`);
  }

  /** A meeting of `kind` an hour from now, the fiche on its agenda, and the clock past its start. */
  async function holdMeeting(handle: Handle, kind: InstanceKind): Promise<Meeting> {
    const meeting = await scheduleMeeting(kind, new Date((await env.currentTimeMs()) + HOUR));
    await handle.signal(meetingScheduledSignal, { instanceKind: kind });
    await onAgendaOf(handle, meeting);
    await sleepUntil(handle, new Date(meeting.startsAt.getTime() + MINUTE));
    return meeting;
  }

  /** From brouillon to en œuvre (or, for an amendment, to the new version in force): three meetings. */
  function validate(handle: Handle) {
    return driveToValidation(
      { act: (kind, input) => act(handle, kind, input), holdMeeting: (kind) => holdMeeting(handle, kind) },
      A,
    );
  }

  const codePattern = (code: string) => new RegExp(`${code}(?!\\d)`);
  async function mailsOf(code: string, subject?: string): Promise<CaughtMessage[]> {
    const pattern = codePattern(code);
    return (await catcher.list()).filter(
      (m) => pattern.test(m.subject) && (subject === undefined || m.subject === subject),
    );
  }
  /** Waits until `count` mails with this exact subject arrived, and gives their recipients, sorted. */
  async function recipientsOf(code: string, subject: string, count: number): Promise<string[]> {
    await eventually(async () => (await mailsOf(code, subject)).length >= count, `${count} mails « ${subject} »`);
    // A moment for any extra (duplicate) delivery to show.
    await delay(100);
    const all = await mailsOf(code, subject);
    return all.flatMap((m) => m.to).sort();
  }
  async function expectNoMail(code: string, subject: string): Promise<void> {
    await delay(500);
    expect(await mailsOf(code, subject)).toEqual([]);
  }

  /**
   * What the board shows of the fiche (client/fiche-deadlines.ts): read from what its workflow wrote on its row, with
   * no workflow query unless `written` is false (a run from before it wrote any).
   */
  async function onBoard(ficheId: string, written = true) {
    const fiche = (await listFiches(db.prisma, conventionId)).find((f) => f.id === ficheId)!;
    expect(Boolean(fiche.followUp)).toBe(written);
    const [line] = await ficheDeadlines(env.client, [fiche], await now());
    if (!line) return null;
    return { what: line.what, reminder: line.reminder, escalation: line.escalation, evaluation: line.evaluation };
  }
  /** Where the fiche's row says its lifecycle stands, against the workflow's own state (what /attentes reads). */
  async function positionOnRow(ficheId: string, handle: WorkflowHandle) {
    const row = (await listFichePositions(db.prisma, conventionId)).find((f) => f.id === ficheId);
    const state = await handle.query(ficheStateQuery);
    expect(row?.lifecycle ?? null).toEqual(isTerminal(state.lifecycle.stage) ? null : positionOf(state.lifecycle));
    return row?.lifecycle;
  }
  /** What the board should show, from the workflow's own state. */
  const asKept = (state: FicheState) =>
    Object.keys(state.deadlines).length ? { what: state.pending?.what ?? null, ...state.deadlines } : null;

  async function membersOf(kind: InstanceKind, roles?: string[]): Promise<string[]> {
    const memberships = await db.prisma.membership.findMany({
      where: { instance: { conventionId, kind }, ...(roles ? { role: { in: roles } } : {}) },
      include: { person: true },
    });
    return [...new Set(memberships.map((m) => m.person.email.toLowerCase()))].sort();
  }

  // ---------------------------------------------------------------------------------------------
  // The paths through the lifecycle

  it(
    'happy path: brouillon → COTECH → CAF and MSA → COPIL → Bureau ' +
      '→ en œuvre → évaluation → clôturée, in the store and the mails',
    async () => {
      const { handle, ficheId, code } = await startFiche('happy');
      expect(code).toMatch(/^FA-\d{4}-\d{2}$/);
      const initial = await handle.query(ficheStateQuery);
      expect(initial).toMatchObject({
        lifecycle: { stage: 'brouillon' },
        pending: { instanceKind: 'gtt', version: 1 },
        agenda: null,
      });
      expect(
        await db.prisma.ficheAction.findUniqueOrThrow({ where: { id: ficheId }, include: { versions: true } }),
      ).toMatchObject({
        status: 'brouillon',
        authorEmail: AUTHOR,
        versions: [{ version: 1, state: 'brouillon', title: 'Fiche happy' }],
      });

      const submitted = await act(handle, 'submit', { actor: A.cooperateur });
      expect(submitted.lifecycle.stage).toBe('soumise');
      expect(submitted.pending).toMatchObject({ instanceKind: 'cotech', version: 1 });
      expect(await recipientsOf(code, `Votre fiche ${code} est soumise`, 1)).toEqual([AUTHOR]);
      // A body is told of a fiche reaching it through those who record its decisions; its members, by its agenda.
      const recorders = (kind: InstanceKind) => membersOf(kind, REFERENCE_CHARTER.decisionRecorders[kind]);
      const cotechRecorders = await recorders('cotech');
      expect(cotechRecorders.length).toBeLessThan((await membersOf('cotech')).length);
      expect(await recipientsOf(code, `Fiche ${code} soumise au COTECH`, cotechRecorders.length)).toEqual(
        cotechRecorders,
      );

      const cotech = await holdMeeting(handle, 'cotech');
      expect(await db.prisma.agendaItem.findMany({ where: { meetingId: cotech.id, ficheId } })).toEqual([
        expect.objectContaining({ kind: 'avis', title: `Fiche ${code} (version 1) : Fiche happy` }),
      ]);
      const avis = await act(handle, 'recordAvis', {
        actor: A.secretaire,
        outcome: 'favorable',
        comment: 'Fiche claire.',
      });
      expect(avis.lifecycle.stage).toBe('attente_copil');
      expect(avis.pending).toMatchObject({ instanceKind: 'copil', missingPartnerOpinions: ['caf', 'msa'] });
      expect((await db.prisma.ficheVersion.findFirstOrThrow({ where: { ficheId, version: 1 } })).state).toBe(
        'proposee',
      );

      await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
      const opinions = await act(handle, 'recordPartnerOpinion', {
        actor: A.msa,
        partner: 'msa',
        opinion: 'reserve',
        comment: 'Préciser les financeurs.',
      });
      expect(opinions.pending).toMatchObject({ instanceKind: 'copil' });
      expect(opinions.pending?.missingPartnerOpinions).toBeUndefined();

      const copil = await holdMeeting(handle, 'copil');
      await act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' });
      const bureau = await holdMeeting(handle, 'bureau_communautaire');
      const validated = await act(handle, 'recordBureauValidation', { actor: A.secretaireBureau, outcome: 'validee' });
      expect(validated.lifecycle).toMatchObject({ stage: 'en_oeuvre', versionInForce: 1, review: null });
      expect(validated.pending).toBeNull();
      const row = await db.prisma.ficheAction.findUniqueOrThrow({
        where: { id: ficheId },
        include: { versions: true },
      });
      expect(row.status).toBe('en_oeuvre');
      expect(row.versions.map((v) => [v.version, v.state])).toEqual([[1, 'en_vigueur']]);

      const year = toLocal(await now(), ZONE).year;
      await act(handle, 'recordEvaluation', {
        actor: A.cooperateur,
        year,
        summary: 'Douze familles accueillies.',
        indicators: [{ label: 'Familles', value: 12, target: 10 }],
      });
      await act(handle, 'close', { actor: A.cooperateur, reason: 'Action terminée' });
      const result = await finished(handle);
      expect(result.lifecycle.stage).toBe('cloturee');
      expect(result.lifecycle.evaluations).toEqual([
        expect.objectContaining({ year, version: 1, by: PEOPLE.cooperateur }),
      ]);
      // Stored for the convention's campaigns and the COPIL's review.
      expect(await db.prisma.ficheEvaluation.findMany({ where: { ficheId } })).toEqual([
        expect.objectContaining({
          year,
          version: 1,
          summary: 'Douze familles accueillies.',
          indicators: [{ label: 'Familles', value: 12, target: 10 }],
          recordedBy: PEOPLE.cooperateur,
        }),
      ]);

      const done = await db.prisma.ficheAction.findUniqueOrThrow({
        where: { id: ficheId },
        include: { versions: true, decisions: { orderBy: { decidedAt: 'asc' } } },
      });
      expect(done.status).toBe('cloturee');
      expect(done.versions.map((v) => [v.version, v.state])).toEqual([[1, 'cloturee']]);
      expect(
        done.decisions.map((d) => ({
          outcome: d.outcome,
          stage: d.stage,
          meetingId: d.meetingId,
          instanceId: d.instanceId,
          actorEmail: d.actorEmail,
          version: d.version,
        })),
      ).toEqual([
        {
          outcome: 'favorable',
          stage: 'soumise',
          meetingId: cotech.id,
          instanceId: instances.get('cotech')!.id,
          actorEmail: PEOPLE.secretaire,
          version: 1,
        },
        {
          outcome: 'adoptee',
          stage: 'attente_copil',
          meetingId: copil.id,
          instanceId: instances.get('copil')!.id,
          actorEmail: PEOPLE.secretaire,
          version: 1,
        },
        {
          outcome: 'validee',
          stage: 'attente_bureau',
          meetingId: bureau.id,
          instanceId: instances.get('bureau_communautaire')!.id,
          actorEmail: PEOPLE.secretaireBureau,
          version: 1,
        },
      ]);
      const audit = await db.prisma.auditEvent.findMany({
        where: { subject: `fiche:${ficheId}` },
        orderBy: { at: 'asc' },
      });
      expect(audit.map((e) => [e.action, e.actor, (e.details as { role?: string }).role])).toEqual([
        ['fiche.submit', PEOPLE.cooperateur, 'cooperateur'],
        ['fiche.recordAvis', PEOPLE.secretaire, 'secretaire_instance'],
        ['fiche.recordPartnerOpinion', PEOPLE.caf, 'partenaire'],
        ['fiche.recordPartnerOpinion', PEOPLE.msa, 'partenaire'],
        ['fiche.recordCopilDecision', PEOPLE.secretaire, 'secretaire_instance'],
        ['fiche.recordBureauValidation', PEOPLE.secretaireBureau, 'secretaire_instance'],
        ['fiche.recordEvaluation', PEOPLE.cooperateur, 'cooperateur'],
        ['fiche.close', PEOPLE.cooperateur, 'cooperateur'],
      ]);
      expect(audit[1]!.details).toMatchObject({
        from: 'soumise',
        to: 'attente_copil',
        outcome: 'favorable',
        meetingId: cotech.id,
      });

      // Who got what: the author at each step, the bodies when the fiche reaches them, the pilot (here the author).
      const gtt = await membersOf('gtt');
      expect(await recipientsOf(code, `Avis du COTECH sur la fiche ${code} : favorable`, gtt.length + 1)).toEqual(
        [AUTHOR, ...gtt].sort(),
      );
      expect(await recipientsOf(code, `Fiche ${code} transmise au COPIL`, 1)).toEqual(await recorders('copil'));
      expect(await recipientsOf(code, `Avis de la CAF sur la fiche ${code}`, 1)).toEqual([AUTHOR]);
      expect(await recipientsOf(code, `Avis de la MSA sur la fiche ${code}`, 1)).toEqual([AUTHOR]);
      expect(await recipientsOf(code, `Décision du COPIL sur la fiche ${code} : adoptée`, gtt.length + 1)).toEqual(
        [AUTHOR, ...gtt].sort(),
      );
      expect(await recipientsOf(code, `Fiche ${code} à valider`, 1)).toEqual(await recorders('bureau_communautaire'));
      expect(await recipientsOf(code, `Fiche ${code} validée par le Bureau communautaire`, gtt.length + 1)).toEqual(
        [AUTHOR, ...gtt].sort(),
      );
      expect(await recipientsOf(code, `Fiche ${code} : mise en œuvre`, 1)).toEqual([AUTHOR]);
      expect(await recipientsOf(code, `Évaluation ${year} de la fiche ${code}`, 1)).toEqual([AUTHOR]);
      expect(await recipientsOf(code, `Fiche ${code} clôturée`, gtt.length + 1)).toEqual([AUTHOR, ...gtt].sort());
      // Each (subject, recipient) once, each recorded as sent in the ledger, and no reminder: all was on time.
      const all = await mailsOf(code);
      const pairs = all.flatMap((m) => m.to.map((to) => `${m.subject} → ${to}`));
      expect(new Set(pairs).size).toBe(pairs.length);
      expect(all.some((m) => /^(Rappel|Relance)/.test(m.subject))).toBe(false);
      const ledger = await db.prisma.notification.findMany({
        where: { idempotencyKey: { startsWith: `${handle.workflowId}:` } },
      });
      expect(ledger).toHaveLength(all.length);
      expect(ledger.every((n) => n.status === 'sent' && n.attempts === 1)).toBe(true);
      expect(result.notified).toHaveLength(all.length);
    },
  );

  it('a whole lifecycle is a few dozen activities: each notice is one activity, whoever it goes to', async () => {
    // As bench/fiche-lifecycles.ts runs it: the bodies' meetings are planned ahead, the fiche joins each agenda itself.
    const { handle, code } = await startFiche('shape');
    const start = await env.currentTimeMs();
    const planned = new Map<InstanceKind, Meeting>();
    for (const [hours, kind] of [
      [1, 'cotech'],
      [2, 'copil'],
      [3, 'bureau_communautaire'],
    ] as const)
      planned.set(kind, await scheduleMeeting(kind, new Date(start + hours * HOUR)));
    await driveToValidation(
      {
        act: (kind, input) => act(handle, kind, input),
        holdMeeting: async (kind) => {
          const meeting = planned.get(kind)!;
          await onAgendaOf(handle, meeting);
          await sleepUntil(handle, new Date(meeting.startsAt.getTime() + MINUTE));
          return meeting;
        },
      },
      A,
    );
    await act(handle, 'close', { actor: A.cooperateur, reason: 'Fin du décompte' });
    const result = await finished(handle);
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    const byType = Object.fromEntries(
      [...new Set(activities)].map((n) => [n, activities.filter((a) => a === n).length]),
    );
    const kinds = new Map<string, number>();
    for (const event of events) {
      const kind = Object.keys(event).find((k) => k.endsWith('EventAttributes') && event[k as keyof typeof event]);
      kinds.set(kind ?? '?', (kinds.get(kind ?? '?') ?? 0) + 1);
    }
    console.info(
      `one lifecycle: ${activities.length} activities ${JSON.stringify(byType)}, ${events.length} events ` +
        JSON.stringify(Object.fromEntries([...kinds].map(([k, n]) => [k.replace('EventAttributes', ''), n]))),
    );
    // Per person, it was 155 activities (129 of them mails) and 697 events.
    expect(byType.sendNotification).toBeUndefined();
    expect(byType.sendPartnerOpinionMail).toBeUndefined();
    expect(activities.length).toBeLessThanOrEqual(40);
    expect(events.length).toBeLessThanOrEqual(250);
    // Every recipient still got their mail, once, and the workflow knows who was told.
    const mails = (await mailsOf(code)).flatMap((m) => m.to);
    expect(mails.length).toBeGreaterThan(activities.length * 2);
    expect(result.notified.length).toBe(mails.length);
  });

  it('steps taken while a notice is going out are told together in the next activity, each mail once', async () => {
    // A relay that holds one mail of the COTECH's avis until released: meanwhile the CAF and the MSA give theirs.
    const sink = await new SmtpSink().start();
    const slow = await startTestWorker(env, db, 'coalesced', { smtpUrl: sink.url });
    try {
      const { handle } = await startFiche('coalesced', undefined, slow.taskQueue);
      await act(handle, 'submit', { actor: A.cooperateur });
      await holdMeeting(handle, 'cotech');
      sink.holdTo(AUTHOR);
      await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });
      await sink.heldArrived;
      await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
      await act(handle, 'recordPartnerOpinion', { actor: A.msa, partner: 'msa', opinion: 'favorable' });
      sink.releaseHeld();

      type Sending = { occasion: string; notices: unknown[] };
      const noticeInputs = async () =>
        ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
          const a = e.activityTaskScheduledEventAttributes;
          if (a?.activityType?.name !== 'sendFicheNotices') return [];
          const [payload] = a.input?.payloads ?? [];
          return [JSON.parse(Buffer.from(payload!.data!).toString()) as { sendings: Sending[] }];
        });
      const scheduled = await eventually(async () => {
        const inputs = await noticeInputs();
        return inputs.length >= 3 && (await idleNow(handle)) ? inputs : undefined;
      }, 'the opinions told');
      // The submission, the avis, then both opinions in one activity, in the order they were taken.
      const occasions = scheduled.map(({ sendings }) => sendings.map((sending) => sending.occasion));
      expect(occasions).toEqual([['step-1'], ['step-2'], ['step-3', 'step-4']]);

      // Each opinion's people got it once, under its own ledger key.
      const { notified } = await handle.query(ficheStateQuery);
      const keys = notified.filter((key) => /:step-[34]:/.test(key));
      expect(keys.some((key) => key.includes(':step-3:'))).toBe(true);
      expect(keys.some((key) => key.includes(':step-4:'))).toBe(true);
      const lines = await db.prisma.notification.findMany({ where: { idempotencyKey: { in: keys } } });
      expect(lines.map((line) => line.idempotencyKey).sort()).toEqual([...keys].sort());
      expect(lines.every((line) => line.status === 'sent' && line.attempts === 1)).toBe(true);
      const received = sink.accepted.filter((m) => lines.some((line) => line.messageId === m.messageId));
      expect(received).toHaveLength(lines.length);
    } finally {
      for (const handle of started.splice(0)) await stop(handle);
      await slow.stop();
      await sink.stop();
    }
  });

  it(
    'à retravailler goes back to the GTT; the resubmission waits ' +
      'for a new COTECH meeting; then the fiche is withdrawn',
    async () => {
      const { handle, ficheId, code } = await startFiche('retravailler');
      await act(handle, 'submit', { actor: A.cooperateur });
      const first = await holdMeeting(handle, 'cotech');
      const missingComment = await refusal(
        act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'a_retravailler' }),
      );
      expect(missingComment.type).toBe('INVALID_INPUT');
      const reworked = await act(handle, 'recordAvis', {
        actor: A.secretaire,
        outcome: 'a_retravailler',
        comment: 'Préciser le public visé.',
      });
      expect(reworked.lifecycle.stage).toBe('brouillon');
      expect(reworked.pending).toMatchObject({ instanceKind: 'gtt' });
      expect(reworked.lifecycle.review?.comments).toEqual([
        expect.objectContaining({ from: 'cotech', outcome: 'a_retravailler', text: 'Préciser le public visé.' }),
      ]);
      expect((await db.prisma.ficheVersion.findFirstOrThrow({ where: { ficheId, version: 1 } })).state).toBe(
        'brouillon',
      );
      expect(await recipientsOf(code, `Avis du COTECH sur la fiche ${code} : à retravailler`, 1)).toContain(AUTHOR);
      expect((await refusal(act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' }))).type).toBe(
        'WRONG_STAGE',
      );

      await act(handle, 'submit', { actor: A.cooperateur });
      // The meeting that sent it back does not count for the new submission.
      const stale = await refusal(act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' }));
      expect(stale).toMatchObject({ type: 'WRONG_STAGE', message: expect.stringMatching(/ordre du jour/) });
      const second = await holdMeeting(handle, 'cotech');
      expect(second.id).not.toBe(first.id);
      await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });

      const withdrawn = await act(handle, 'withdraw', { actor: A.cooperateur, reason: 'Reprise dans une autre fiche' });
      expect(withdrawn.lifecycle.stage).toBe('retiree');
      expect((await finished(handle)).lifecycle.stage).toBe('retiree');
      const row = await db.prisma.ficheAction.findUniqueOrThrow({
        where: { id: ficheId },
        include: { versions: true, decisions: { orderBy: { decidedAt: 'asc' } }, agendaItems: true },
      });
      expect(row.status).toBe('retiree');
      expect(row.versions.map((v) => v.state)).toEqual(['abandonnee']);
      expect(row.decisions.map((d) => [d.outcome, d.meetingId])).toEqual([
        ['a_retravailler', first.id],
        ['favorable', second.id],
      ]);
      expect(row.agendaItems.map((i) => i.meetingId).sort()).toEqual([first.id, second.id].sort());
      expect(await recipientsOf(code, `Fiche ${code} retirée`, 1)).toContain(AUTHOR);
    },
  );

  it('ajournée puts the fiche on the agenda of the NEXT COPIL meeting, where it is rejetée', async () => {
    const { handle, ficheId, code } = await startFiche('ajournee');
    await act(handle, 'submit', { actor: A.cooperateur });
    await holdMeeting(handle, 'cotech');
    await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });
    await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
    await act(handle, 'recordPartnerOpinion', { actor: A.msa, partner: 'msa', opinion: 'favorable' });
    const first = await holdMeeting(handle, 'copil');
    const adjourned = await act(handle, 'recordCopilDecision', {
      actor: A.secretaire,
      outcome: 'ajournee',
      comment: 'Attendre le budget.',
    });
    expect(adjourned.lifecycle).toMatchObject({ stage: 'attente_copil', review: { adjournments: 1 } });
    expect((await refusal(act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' }))).type).toBe(
      'WRONG_STAGE',
    );

    const start = (await env.currentTimeMs()) + 2 * DAY;
    const next = await scheduleMeeting('copil', new Date(start));
    const later = await scheduleMeeting('copil', new Date(start + 3 * DAY));
    await handle.signal(meetingScheduledSignal, { instanceKind: 'copil' });
    await onAgendaOf(handle, next);
    expect(
      (await db.prisma.agendaItem.findMany({ where: { ficheId, kind: 'decision' } })).map((i) => i.meetingId).sort(),
    ).toEqual([first.id, next.id].sort());
    expect(await db.prisma.agendaItem.count({ where: { meetingId: later.id } })).toBe(0);
    const early = await refusal(act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' }));
    expect(early.message).toMatch(/à partir du début/);
    await sleepUntil(handle, new Date(start + MINUTE));

    await act(handle, 'recordCopilDecision', {
      actor: A.secretaire,
      outcome: 'rejetee',
      comment: 'Hors des objectifs de la CTG.',
    });
    expect((await finished(handle)).lifecycle.stage).toBe('rejetee');
    const row = await db.prisma.ficheAction.findUniqueOrThrow({
      where: { id: ficheId },
      include: { versions: true, decisions: { orderBy: { decidedAt: 'asc' } } },
    });
    expect(row.status).toBe('rejetee');
    expect(row.versions.map((v) => v.state)).toEqual(['abandonnee']);
    expect(row.decisions.map((d) => [d.outcome, d.meetingId])).toEqual([
      ['favorable', expect.any(String)],
      ['ajournee', first.id],
      ['rejetee', next.id],
    ]);
    expect(await recipientsOf(code, `Décision du COPIL sur la fiche ${code} : ajournée`, 1)).toContain(AUTHOR);
    expect(await recipientsOf(code, `Décision du COPIL sur la fiche ${code} : rejetée`, 1)).toContain(AUTHOR);
    expect(await mailsOf(code, `Fiche ${code} à valider`)).toEqual([]);
  });

  it('refusée by the Bureau ends the fiche, with no mise en œuvre', async () => {
    const { handle, ficheId, code } = await startFiche('refusee');
    await act(handle, 'submit', { actor: A.cooperateur });
    await holdMeeting(handle, 'cotech');
    await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'defavorable', comment: 'Budget flou.' });
    await act(handle, 'recordPartnerOpinion', {
      actor: A.caf,
      partner: 'caf',
      opinion: 'defavorable',
      comment: 'Doublon.',
    });
    await act(handle, 'recordPartnerOpinion', { actor: A.admin, partner: 'msa', opinion: 'favorable' });
    await holdMeeting(handle, 'copil');
    await act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' });
    const bureau = await holdMeeting(handle, 'bureau_communautaire');
    await act(handle, 'recordBureauValidation', {
      actor: A.secretaireBureau,
      outcome: 'refusee',
      comment: 'Pas de crédits cette année.',
    });
    const result = await finished(handle);
    expect(result.lifecycle).toMatchObject({ stage: 'refusee', versionInForce: null, review: null });
    const row = await db.prisma.ficheAction.findUniqueOrThrow({
      where: { id: ficheId },
      include: { versions: true, decisions: true },
    });
    expect(row.status).toBe('refusee');
    expect(row.versions.map((v) => v.state)).toEqual(['abandonnee']);
    expect(row.decisions.find((d) => d.outcome === 'refusee')).toMatchObject({
      meetingId: bureau.id,
      comment: 'Pas de crédits cette année.',
    });
    expect(await recipientsOf(code, `Fiche ${code} refusée par le Bureau communautaire`, 1)).toContain(AUTHOR);
    expect(await mailsOf(code, `Fiche ${code} : mise en œuvre`)).toEqual([]);
  });

  it(
    'an amendment goes through the same chain; once validated ' +
      'the new version is in force and the old one remplacée',
    async () => {
      const { handle, ficheId, code } = await startFiche('avenant');
      await validate(handle);
      const opened = await act(handle, 'requestAmendment', { actor: A.cooperateur, summary: 'Étendre au Cellois' });
      expect(opened.lifecycle).toMatchObject({
        stage: 'en_oeuvre',
        versionInForce: 1,
        latestVersion: 2,
        review: { version: 2, stage: 'brouillon' },
      });
      expect(opened.pending).toMatchObject({ instanceKind: 'gtt', version: 2 });
      const amended = await db.prisma.ficheAction.findUniqueOrThrow({
        where: { id: ficheId },
        include: { versions: { orderBy: { version: 'asc' } } },
      });
      expect(amended.versions.map((v) => [v.version, v.state, v.title])).toEqual([
        [1, 'en_vigueur', 'Fiche avenant'],
        [2, 'brouillon', 'Fiche avenant'],
      ]);
      // The notice goes out one recipient at a time: wait for the pilot's, not for the first.
      await eventually(
        async () => (await recipientsOf(code, `Avenant à la fiche ${code}`, 1)).includes(PEOPLE.pilote),
        `the amendment's notice to the pilot`,
      );
      expect((await refusal(act(handle, 'close', { actor: A.cooperateur, reason: 'Fin' }))).type).toBe('WRONG_STAGE');
      expect((await refusal(act(handle, 'requestAmendment', { actor: A.cooperateur, summary: 'Un autre' }))).type).toBe(
        'WRONG_STAGE',
      );

      const second = await validate(handle);
      expect(second.state.lifecycle).toMatchObject({ stage: 'en_oeuvre', versionInForce: 2, review: null });
      const row = await db.prisma.ficheAction.findUniqueOrThrow({
        where: { id: ficheId },
        include: { versions: { orderBy: { version: 'asc' } }, decisions: { orderBy: { decidedAt: 'asc' } } },
      });
      expect(row.status).toBe('en_oeuvre');
      expect(row.versions.map((v) => [v.version, v.state])).toEqual([
        [1, 'remplacee'],
        [2, 'en_vigueur'],
      ]);
      expect(row.decisions.map((d) => [d.version, d.outcome])).toEqual([
        [1, 'favorable'],
        [1, 'adoptee'],
        [1, 'validee'],
        [2, 'favorable'],
        [2, 'adoptee'],
        [2, 'validee'],
      ]);
      expect(row.decisions.slice(3).map((d) => d.meetingId)).toEqual([
        second.cotech.id,
        second.copil.id,
        second.bureau.id,
      ]);
      await act(handle, 'close', { actor: A.cooperateur, reason: 'Action terminée' });
      expect((await finished(handle)).lifecycle).toMatchObject({ stage: 'cloturee', versionInForce: 2 });
    },
  );

  it(
    'refuses, in the validator and with no trace in history: a decision before the ' +
      'meeting starts, a wrong role, missing partner opinions, two actions at once',
    async () => {
      const { handle, ficheId } = await startFiche('refus');
      const notCooperator = await refusal(act(handle, 'submit', { actor: A.membre }));
      expect(notCooperator).toMatchObject({ type: 'ROLE_NOT_ALLOWED', message: expect.stringMatching(/coopérateur/) });

      // Two submissions at once: one is recorded, the other refused (being recorded, or no longer a draft).
      const both = await Promise.allSettled([
        act(handle, 'submit', { actor: A.cooperateur }),
        act(handle, 'submit', { actor: A.cooperateur }),
      ]);
      expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const other = both.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(other.reason).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(['ALREADY_IN_PROGRESS', 'WRONG_STAGE']).toContain(
        ((other.reason as WorkflowUpdateFailedError).cause as ApplicationFailure).type,
      );

      const noMeeting = await refusal(act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' }));
      expect(noMeeting).toMatchObject({ type: 'WRONG_STAGE', message: expect.stringMatching(/ordre du jour/) });
      const meeting = await scheduleMeeting('cotech', new Date((await env.currentTimeMs()) + 3 * HOUR));
      await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
      await onAgendaOf(handle, meeting);
      const early = await refusal(act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' }));
      expect(early).toMatchObject({ type: 'WRONG_STAGE', message: expect.stringMatching(/à partir du début/) });
      await sleepUntil(handle, new Date(meeting.startsAt.getTime() - MINUTE));
      expect((await refusal(act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' }))).message).toMatch(
        /à partir du début/,
      );
      await sleepUntil(handle, new Date(meeting.startsAt.getTime() + MINUTE));
      const partnerForAvis = await refusal(act(handle, 'recordAvis', { actor: A.caf, outcome: 'favorable' }));
      expect(partnerForAvis).toMatchObject({
        type: 'ROLE_NOT_ALLOWED',
        message: expect.stringMatching(/secrétaire du COTECH/),
      });
      const bureauForAvis = await refusal(
        act(handle, 'recordAvis', { actor: A.secretaireBureau, outcome: 'favorable' }),
      );
      expect(bureauForAvis.type).toBe('ROLE_NOT_ALLOWED');
      await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });

      const noOpinion = await refusal(act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' }));
      expect(noOpinion).toMatchObject({
        type: 'PARTNER_OPINIONS_MISSING',
        message: expect.stringMatching(/tous deux/),
      });
      const msaForCaf = await refusal(
        act(handle, 'recordPartnerOpinion', { actor: A.msa, partner: 'caf', opinion: 'favorable' }),
      );
      expect(msaForCaf).toMatchObject({ type: 'ROLE_NOT_ALLOWED', message: expect.stringMatching(/CAF/) });
      await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
      await holdMeeting(handle, 'copil');
      const oneMissing = await refusal(act(handle, 'recordCopilDecision', { actor: A.secretaire, outcome: 'adoptee' }));
      expect(oneMissing).toMatchObject({ type: 'PARTNER_OPINIONS_MISSING', message: expect.stringMatching(/MSA/) });
      const cafForCopil = await refusal(act(handle, 'recordCopilDecision', { actor: A.caf, outcome: 'adoptee' }));
      expect(cafForCopil).toMatchObject({
        type: 'ROLE_NOT_ALLOWED',
        message: expect.stringMatching(/secrétaire ou un président du COPIL/),
      });

      const state = await handle.query(ficheStateQuery);
      expect(state.lifecycle.history.map((h) => h.action)).toEqual(['submit', 'recordAvis', 'recordPartnerOpinion']);
      expect(await acceptedUpdates(handle)).toBe(3);
      expect(await db.prisma.auditEvent.count({ where: { subject: `fiche:${ficheId}` } })).toBe(3);
      expect(await db.prisma.decision.count({ where: { ficheId } })).toBe(1);
    },
  );

  // ---------------------------------------------------------------------------------------------
  // Reminders and escalations: durable timers, in local time

  /** Sleeps to one minute before `at`: no mail; then to one minute after: exactly these recipients. */
  async function expectMailAt(
    handle: Handle,
    code: string,
    at: Date,
    subject: string,
    recipients: string[],
  ): Promise<void> {
    await sleepUntil(handle, new Date(at.getTime() - MINUTE));
    await expectNoMail(code, subject);
    await sleepUntil(handle, new Date(at.getTime() + MINUTE));
    expect(await recipientsOf(code, subject, recipients.length)).toEqual(recipients);
  }

  it(
    'reminds the COTECH secretary the day after the meeting at ' +
      '09:00 (winter, CET), then the coordinators 7 days after',
    async () => {
      const { handle, ficheId, code } = await startFiche('rappel-hiver');
      await act(handle, 'submit', { actor: A.cooperateur });
      const meeting = await scheduleMeeting('cotech', new Date((await env.currentTimeMs()) + 2 * HOUR));
      await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
      const placed = await onAgendaOf(handle, meeting);
      expect(await onBoard(ficheId)).toEqual(asKept(placed));

      const reminder = dayAfterAt(meeting.startsAt, 9, 0, ZONE);
      const escalation = addLocalDays(reminder, 6, ZONE);
      expect(toLocal(reminder, ZONE)).toMatchObject({ hour: 9, minute: 0, offsetMinutes: 60 });
      expect(reminder.getUTCHours()).toBe(8);
      expect(escalation.getTime() - reminder.getTime()).toBe(6 * DAY);
      expect(placed.deadlines).toEqual({ reminder: reminder.toISOString(), escalation: escalation.toISOString() });

      await expectMailAt(
        handle,
        code,
        reminder,
        `Rappel : décision à enregistrer sur la fiche ${code}`,
        await membersOf('cotech', ['secretaire']),
      );
      expect(await recipientsOf(code, `Rappel : décision à enregistrer sur la fiche ${code}`, 1)).toEqual([
        PEOPLE.secretaire,
      ]);
      await expectMailAt(
        handle,
        code,
        escalation,
        `Relance : décision du COTECH attendue sur la fiche ${code}`,
        await membersOf('cotech', ['charge_cooperation']),
      );
      // Late, but recorded: no more reminders, and the fiche moves on.
      await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });
      await act(handle, 'withdraw', { actor: A.cooperateur, reason: 'Fin du test' });
      await finished(handle);
      expect(await mailsOf(code, `Rappel : décision à enregistrer sur la fiche ${code}`)).toHaveLength(1);
      expect(await mailsOf(code, `Relance : décision du COTECH attendue sur la fiche ${code}`)).toHaveLength(
        (await membersOf('cotech', ['charge_cooperation'])).length,
      );
    },
  );

  it(
    'follows an instance’s own delays: the COTECH secretary reminded ' +
      '3 days after its meeting, the coordinators 10 days after',
    async () => {
      const { handle, ficheId, code } = await startFiche('delais-instance', {
        byInstance: { cotech: { remindAfterDays: 3, escalateAfterDays: 10 } },
      });
      await act(handle, 'submit', { actor: A.cooperateur });
      const meeting = await scheduleMeeting('cotech', new Date((await env.currentTimeMs()) + 2 * HOUR));
      await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
      const placed = await onAgendaOf(handle, meeting);
      const reminder = addLocalDays(dayAfterAt(meeting.startsAt, 9, 0, ZONE), 2, ZONE);
      const escalation = addLocalDays(dayAfterAt(meeting.startsAt, 9, 0, ZONE), 9, ZONE);
      expect(placed.deadlines).toEqual({ reminder: reminder.toISOString(), escalation: escalation.toISOString() });
      expect(await onBoard(ficheId)).toEqual(asKept(placed));
      await expectMailAt(
        handle,
        code,
        reminder,
        `Rappel : décision à enregistrer sur la fiche ${code}`,
        await membersOf('cotech', ['secretaire']),
      );
      await expectMailAt(
        handle,
        code,
        escalation,
        `Relance : décision du COTECH attendue sur la fiche ${code}`,
        await membersOf('cotech', ['charge_cooperation']),
      );
      await act(handle, 'withdraw', { actor: A.cooperateur, reason: 'Fin du test' });
      await finished(handle);
    },
  );

  it('sends no reminder when the decision is recorded in time', async () => {
    const { handle, ficheId, code } = await startFiche('a-temps');
    await act(handle, 'submit', { actor: A.cooperateur });
    const meeting = await holdMeeting(handle, 'cotech');
    await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });
    // The partners give their opinions within the week they are asked in.
    await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
    await act(handle, 'recordPartnerOpinion', { actor: A.msa, partner: 'msa', opinion: 'favorable' });
    // No COPIL meeting yet: the fiche waits, looking again every day, and nobody is reminded.
    await sleepUntil(handle, new Date(meeting.startsAt.getTime() + 9 * DAY));
    await idle(handle);
    expect((await mailsOf(code)).filter((m) => /^(Rappel|Relance)/.test(m.subject))).toEqual([]);
    expect((await handle.query(ficheStateQuery)).deadlines).toEqual({});
    expect(await onBoard(ficheId)).toBeNull();
  });

  it(
    'the board shows the deadlines each fiche’s workflow keeps from what it wrote on its row, through the ' +
      'partners’ opinions on the same COPIL; a run that wrote nothing is asked',
    async () => {
      const { handle, ficheId } = await startFiche('tableau');
      expect((await positionOnRow(ficheId, handle))?.stage).toBe('brouillon');
      await act(handle, 'submit', { actor: A.cooperateur });
      expect(await onBoard(ficheId)).toBeNull();
      expect((await positionOnRow(ficheId, handle))?.stage).toBe('soumise');
      await holdMeeting(handle, 'cotech');
      expect(await onBoard(ficheId)).toEqual(asKept(await handle.query(ficheStateQuery)));
      await act(handle, 'recordAvis', { actor: A.secretaire, outcome: 'favorable' });
      expect(await onBoard(ficheId)).toBeNull();
      const copil = await scheduleMeeting('copil', new Date((await env.currentTimeMs()) + 2 * HOUR));
      await handle.signal(meetingScheduledSignal, { instanceKind: 'copil' });
      const placed = await onAgendaOf(handle, copil);
      expect(placed.pending?.what).toMatch(/une fois enregistré l’avis de la CAF et de la MSA/);
      expect(await onBoard(ficheId)).toEqual(asKept(placed));

      // An opinion changes what is awaited, not the meeting nor its deadlines.
      await act(handle, 'recordPartnerOpinion', { actor: A.caf, partner: 'caf', opinion: 'favorable' });
      const kept = await eventually(async () => {
        const state = await handle.query(ficheStateQuery);
        return Object.keys(state.deadlines).length ? state : undefined;
      }, 'the deadlines kept after the opinion');
      expect(kept.deadlines).toEqual(placed.deadlines);
      expect(kept.pending?.what).not.toBe(placed.pending?.what);
      expect(await onBoard(ficheId)).toEqual(asKept(kept));
      expect((await positionOnRow(ficheId, handle))?.review?.partnerOpinions.caf?.opinion).toBe('favorable');

      // The COPIL's meeting moves: the deadlines follow it.
      const later = new Date(copil.startsAt.getTime() + 3 * DAY);
      await db.prisma.meeting.update({ where: { id: copil.id }, data: { startsAt: later, endsAt: later } });
      await handle.signal(meetingScheduledSignal, { instanceKind: 'copil', meetingId: copil.id });
      const moved = await eventually(async () => {
        const state = await handle.query(ficheStateQuery);
        return state.deadlines.reminder && state.deadlines.reminder !== placed.deadlines.reminder ? state : undefined;
      }, 'the deadlines of the moved meeting');
      expect(moved.deadlines.reminder).toBe(dayAfterAt(later, 9, 0, ZONE).toISOString());
      expect(await onBoard(ficheId)).toEqual(asKept(moved));

      // A run started before the workflows wrote what they follow: its workflow is asked.
      await db.prisma.ficheAction.update({ where: { id: ficheId }, data: { followUp: Prisma.DbNull } });
      expect(await onBoard(ficheId, false)).toEqual(asKept(moved));
    },
  );

  it(
    'reminds at 09:00 Paris across the spring DST change: COTECH on a ' +
      'Saturday evening → Sunday 07:00Z, escalation the next Saturday',
    async () => {
      const { handle, code } = await startFiche('rappel-ete');
      await act(handle, 'submit', { actor: A.cooperateur });
      // The next last Sunday of March, when Paris goes from CET (UTC+1) to CEST (UTC+2) at 02:00.
      const today = toLocal(await now(), ZONE);
      let year = today.year;
      let sunday = lastSundayOfMarch(year);
      if (atLocalTime({ year, month: 3, day: sunday - 1 }, 19, 30, ZONE).getTime() <= (await env.currentTimeMs()) + DAY)
        sunday = lastSundayOfMarch(++year);
      const meetingAt = atLocalTime({ year, month: 3, day: sunday - 1 }, 19, 30, ZONE);
      expect(toLocal(meetingAt, ZONE)).toMatchObject({ weekday: 6, offsetMinutes: 60 });

      const meeting = await scheduleMeeting('cotech', meetingAt);
      await handle.signal(meetingScheduledSignal, { instanceKind: 'cotech' });
      const placed = await onAgendaOf(handle, meeting);
      const reminder = new Date(`${year}-03-${String(sunday).padStart(2, '0')}T07:00:00.000Z`);
      expect(dayAfterAt(meetingAt, 9, 0, ZONE)).toEqual(reminder);
      expect(toLocal(reminder, ZONE)).toMatchObject({ weekday: 7, hour: 9, offsetMinutes: 120 });
      const escalation = fromLocal({ year, month: 4, day: sunday + 6 - 31, hour: 9, minute: 0 }, ZONE);
      expect(escalation.toISOString()).toBe(`${year}-04-${String(sunday + 6 - 31).padStart(2, '0')}T07:00:00.000Z`);
      expect(placed.deadlines).toEqual({ reminder: reminder.toISOString(), escalation: escalation.toISOString() });

      // Months ahead: the meeting is held, no decision is recorded. 08:59 CEST is 06:59Z, an hour
      // after 09:00 CET would have been: a reminder computed with a fixed offset would already be out.
      await expectMailAt(handle, code, reminder, `Rappel : décision à enregistrer sur la fiche ${code}`, [
        PEOPLE.secretaire,
      ]);
      await expectMailAt(
        handle,
        code,
        escalation,
        `Relance : décision du COTECH attendue sur la fiche ${code}`,
        await membersOf('cotech', ['charge_cooperation']),
      );
    },
  );

  it(
    'reminds the pilot of the évaluation every year on ' + 'the anniversary of the validation, at 09:00 Paris',
    async () => {
      const { handle, ficheId, code } = await startFiche('evaluation');
      await db.prisma.ficheVersion.updateMany({
        where: { ficheId },
        data: { piloteId: (await db.prisma.person.findUniqueOrThrow({ where: { email: PEOPLE.pilote } })).id },
      });
      const { state } = await validate(handle);
      const validatedAt = state.lifecycle.history.at(-1)!.at;
      const due = anniversary(atLocalTime(toLocal(validatedAt, ZONE), 9, 0, ZONE), 1, ZONE);
      expect(toLocal(due, ZONE)).toMatchObject({ hour: 9, minute: 0 });
      expect((await handle.query(ficheStateQuery)).deadlines).toEqual({ evaluation: due.toISOString() });
      expect(await onBoard(ficheId)).toEqual(asKept(await handle.query(ficheStateQuery)));
      expect(await recipientsOf(code, `Fiche ${code} : mise en œuvre`, 1)).toEqual([PEOPLE.pilote]);

      const year = toLocal(due, ZONE).year;
      await expectMailAt(handle, code, due, `Évaluation ${year} de la fiche ${code} à renseigner`, [PEOPLE.pilote]);
      // The next one is due a year later.
      const next = anniversary(atLocalTime(toLocal(validatedAt, ZONE), 9, 0, ZONE), 2, ZONE);
      await eventually(
        async () => (await handle.query(ficheStateQuery)).deadlines.evaluation === next.toISOString(),
        'the next évaluation deadline',
      );
      expect(await onBoard(ficheId)).toEqual(asKept(await handle.query(ficheStateQuery)));
      await act(handle, 'recordEvaluation', { actor: A.cooperateur, year, summary: 'Bilan de la première année.' });
      expect(await recipientsOf(code, `Évaluation ${year} de la fiche ${code}`, 1)).toEqual([AUTHOR]);
    },
  );

  // ---------------------------------------------------------------------------------------------
  // Random sequences: the workflow against the pure model

  const actorKeys = ['cooperateur', 'secretaire', 'secretaireBureau', 'caf', 'msa', 'membre', 'admin'] as const;
  type Step =
    | { type: 'valid'; choice: number }
    | { type: 'any'; kind: ActionKind; actor: (typeof actorKeys)[number]; variant: number; withComment: boolean };

  /** The input for `kind`, chosen by `variant`: outcomes, partners and years, sometimes invalid ones. */
  function inputFor(
    kind: ActionKind,
    actor: Actor,
    variant: number,
    withComment: boolean,
    year: number,
  ): Record<string, unknown> {
    const comment = withComment ? { comment: 'Motif.' } : {};
    switch (kind) {
      case 'recordAvis':
        return { actor, outcome: AVIS_OUTCOMES[variant % 3], ...comment };
      case 'recordPartnerOpinion':
        return {
          actor,
          partner: PARTNERS[variant % 2],
          opinion: PARTNER_OPINIONS[Math.floor(variant / 2) % 3],
          ...comment,
        };
      case 'recordCopilDecision':
        return { actor, outcome: COPIL_OUTCOMES[variant % 3], ...comment };
      case 'recordBureauValidation':
        return { actor, outcome: BUREAU_OUTCOMES[variant % 2], ...comment };
      case 'requestAmendment':
        return { actor, summary: 'Avenant.' };
      case 'withdraw':
        return { actor, reason: 'Retrait.' };
      case 'recordEvaluation':
        return { actor, year: year + 1 - (variant % 3), summary: 'Bilan.' };
      case 'close':
        return { actor, reason: 'Fin.' };
      case 'submit':
        return { actor };
    }
  }

  /**
   * The actions the model accepts now, with the actor whose job it is; not withdraw nor close, which would end most
   * runs at once.
   */
  function validMoves(
    model: LifecycleState,
    year: number,
  ): Array<{ kind: ActionKind; input: Record<string, unknown> }> {
    const moves: Array<{ kind: ActionKind; input: Record<string, unknown> }> = [];
    const kinds: Array<[ActionKind, Actor]> = [
      ['submit', A.cooperateur],
      ['recordAvis', A.secretaire],
      ['recordPartnerOpinion', A.caf],
      ['recordPartnerOpinion', A.msa],
      ['recordCopilDecision', A.secretaire],
      ['recordBureauValidation', A.secretaireBureau],
      ['requestAmendment', A.cooperateur],
      ['recordEvaluation', A.cooperateur],
    ];
    for (const [kind, actor] of kinds) {
      for (let variant = 0; variant < 6; variant++) {
        const input = inputFor(kind, actor, variant, true, year);
        if (kind === 'recordPartnerOpinion' && input.partner !== actor.structureKind) continue;
        if (modelRefusal(model, kind, input, new Date(Date.UTC(year, 6, 1)).toISOString()) === null)
          moves.push({ kind, input });
      }
    }
    return moves;
  }

  function modelRefusal(
    model: LifecycleState,
    kind: ActionKind,
    input: Record<string, unknown>,
    at: string,
  ): string | null {
    try {
      check(model, parseAction({ ...input, kind }), REFERENCE_CHARTER, at);
      return null;
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  }

  /** The workflow's own rule of which meeting a decision belongs to (see reviewRound in the workflow). */
  function roundOf(model: LifecycleState, kind: InstanceKind, version: number): string {
    const reviews = model.history.filter(
      (h) =>
        h.version === version &&
        (h.action === 'submit' ||
          (h.action === 'recordAvis' && h.outcome !== 'a_retravailler') ||
          h.action === 'recordCopilDecision'),
    ).length;
    return `${kind}-v${version}-r${reviews}`;
  }

  function invariants(state: FicheState, model: LifecycleState): void {
    const { lifecycle } = state;
    expect(STAGES).toContain(lifecycle.stage);
    expect(state.pending).toEqual(pendingStep(model));
    if (isTerminal(lifecycle.stage)) expect(lifecycle.review).toBeNull();
    else if (lifecycle.versionInForce === null) expect(lifecycle.review?.stage).toBe(lifecycle.stage);
    else expect(lifecycle.stage).toBe('en_oeuvre');
    if (lifecycle.versionInForce !== null)
      expect(lifecycle.versionInForce).toBeLessThanOrEqual(lifecycle.latestVersion);
  }

  it('random sequences of updates: the workflow state follows the pure model, valid or not', async () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ type: fc.constant('valid' as const), choice: fc.nat(1000) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constant('any' as const),
          kind: fc.constantFrom(
            ...([
              'submit',
              'recordAvis',
              'recordPartnerOpinion',
              'recordCopilDecision',
              'recordBureauValidation',
              'requestAmendment',
              'withdraw',
              'recordEvaluation',
              'close',
            ] as const),
          ),
          actor: fc.constantFrom(...actorKeys),
          variant: fc.nat(11),
          withComment: fc.boolean(),
        }),
      },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const { handle } = await startFiche(`random-${++run}`);
        let model = initialState();
        for (const s of steps) {
          if (isTerminal(model.stage)) break;
          const pending = pendingStep(model);
          if (pending && ['cotech', 'copil', 'bureau_communautaire'].includes(pending.instanceKind)) {
            const round = roundOf(model, pending.instanceKind, pending.version);
            if ((await handle.query(ficheStateQuery)).agenda?.round !== round)
              await holdMeeting(handle, pending.instanceKind);
          }
          const at = await now();
          const year = toLocal(at, ZONE).year;
          let kind: ActionKind;
          let input: Record<string, unknown>;
          if (s.type === 'valid') {
            const moves = validMoves(model, year);
            if (moves.length === 0) continue;
            ({ kind, input } = moves[s.choice % moves.length]!);
          } else {
            kind = s.kind;
            input = inputFor(kind, A[s.actor], s.variant, s.withComment, year);
          }
          const expected = modelRefusal(model, kind, input, at.toISOString());
          const outcome = await act(handle, kind, input as never).then(
            (state) => ({ state }),
            (error: unknown) => ({ error }),
          );
          if ('state' in outcome) {
            expect(expected, `${kind} ${JSON.stringify(input)} was accepted, the model refuses it`).toBeNull();
            model = apply(model, parseAction({ ...input, kind }), outcome.state.lifecycle.history.at(-1)!.at);
            expect(outcome.state.lifecycle).toEqual(model);
          } else {
            expect(outcome.error).toBeInstanceOf(WorkflowUpdateFailedError);
            const type = ((outcome.error as WorkflowUpdateFailedError).cause as ApplicationFailure).type;
            expect(type, `${kind} ${JSON.stringify(input)}`).toBe(expected);
          }
          const state = await handle.query(ficheStateQuery);
          expect(state.lifecycle).toEqual(model);
          invariants(state, model);
        }
        if (isTerminal(model.stage)) expect((await finished(handle)).lifecycle).toEqual(model);
        expect(await acceptedUpdates(handle)).toBe(model.history.length);
        // Its timers must not fire during the next run's time jumps.
        await stop(handle);
      }),
      { numRuns: 5, seed: Number(process.env.FC_SEED ?? 20261128), endOnFailure: true },
    );
  }, 90_000);
});

function lastSundayOfMarch(year: number): number {
  for (let day = 31; ; day--)
    if (toLocal(atLocalTime({ year, month: 3, day }, 12, 0, ZONE), ZONE).weekday === 7) return day;
}
