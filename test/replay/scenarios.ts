import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { driveToValidation, takeStep, type ActionInput } from '../../client/fiche-steps.js';
import { REFERENCE_CHARTER, type InstanceKind } from '../../domain/charter.js';
import type { ActionKind } from '../../domain/lifecycle/vocabulary.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { DEMO_CONVENTION_SLUG, loadDemo } from '../../store/conventions/load-demo.js';
import { resolveDemoPeople, type DemoPeople } from '../../store/conventions/demo-people.js';
import { ficheStateQuery, meetingScheduledSignal, type FicheLifecycleInput } from '../../workflows/definitions.js';
import type { FicheState } from '../../domain/fiche-views.js';
import { ficheLifecycleWorkflow } from '../../workflows/fiche-lifecycle.js';
import { scheduleMeeting } from '../../client/schedule-meeting.js';
import { startPoll } from '../../client/start-poll.js';
import { nextOpenDay } from '../../domain/calendar-checks.js';
import { atLocalTime, dateKey, shiftDate, toLocal, weekdayOf } from '../../domain/paris-time.js';
import { chooseAmongTiedUpdate, closePollUpdate, voteUpdate } from '../../workflows/poll-definitions.js';
import {
  cancelUpdate,
  fileMinutesUpdate,
  meetingStateQuery,
  recordAttendanceUpdate,
  rescheduleUpdate,
  rsvpSignal,
  sendDecisionSummaryUpdate,
} from '../../workflows/meeting-definitions.js';
import {
  amendmentSignedSignal,
  conventionCycleStateQuery,
  evaluationRecordedSignal,
  prolongUpdate,
} from '../../workflows/convention-definitions.js';
import { conventionCycleWorkflow } from '../../workflows/convention.js';
import { createStore } from '../../store/index.js';
import { resolveActor } from '../../store/access/resolve-actor.js';
import { planActionsWorkflow } from '../../workflows/plan-actions.js';
import {
  advancePlanUpdate,
  planActionsStateQuery,
  type AdvancePlanInput,
} from '../../workflows/plan-actions-definitions.js';
import { SIGNATORY_PARTIES } from '../../domain/convention-signature.js';
import { loadSignature, recordSignatureStep } from '../../store/conventions/signature-path.js';

/**
 * What a scenario drives a workflow with: a client on a server whose worker polls `taskQueue`
 * with the real activities on `prisma`. The scenario creates the domain data it needs.
 */
export interface ScenarioContext {
  client: Client;
  taskQueue: string;
  /** The id to start the workflow with: replay hands the same id back to the workflow. */
  workflowId: string;
  prisma: PrismaClient;
}

/** Drives one workflow run to completion (or a stable waiting point) and returns its id. */
export type Scenario = (ctx: ScenarioContext) => Promise<string>;

/**
 * The workflow id a scenario's history is recorded under, and replayed with. Histories do not
 * carry the workflow id, and the lifecycle builds idempotency keys from it.
 */
export function historyWorkflowId(scenario: string): string {
  return `history-${scenario}`;
}

type Handle = WorkflowHandle<typeof ficheLifecycleWorkflow>;

/** A scenario's fiche, in the demo convention, with the people who act on it. */
interface Fiche {
  ctx: ScenarioContext;
  handle: Handle;
  conventionId: string;
  people: DemoPeople;
}

/** Meetings start this long after they are scheduled: the recording runs on a real clock. */
const MEETING_LEAD_MS = 1500;

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The demo convention, loaded on first use, and its people. */
async function demo(ctx: ScenarioContext): Promise<{ conventionId: string; people: DemoPeople }> {
  const existing = await ctx.prisma.convention.findUnique({ where: { slug: DEMO_CONVENTION_SLUG } });
  if (!existing) await loadDemo(ctx.prisma);
  const conventionId = (await ctx.prisma.convention.findUniqueOrThrow({ where: { slug: DEMO_CONVENTION_SLUG } })).id;
  return { conventionId, people: await resolveDemoPeople(ctx.prisma, conventionId) };
}

async function startFiche(ctx: ScenarioContext, ficheId: string): Promise<Fiche> {
  const { conventionId, people } = await demo(ctx);
  const input: FicheLifecycleInput = {
    ficheId,
    conventionId,
    title: 'Accueil des familles à Melle',
    authorEmail: 'redactrice.fiche@example.org',
    charter: REFERENCE_CHARTER,
  };
  const handle = await ctx.client.workflow.start(ficheLifecycleWorkflow, {
    taskQueue: ctx.taskQueue,
    workflowId: ctx.workflowId,
    args: [input],
  });
  // Acting only once the fiche is recorded gives each re-recording the same history shape,
  // rather than one that depends on whether the update overtook the saveFiche activity.
  await waitFor(async () => (await handle.query(ficheStateQuery)).code, 'the fiche to be recorded');
  return { ctx, handle, conventionId, people };
}

function act<K extends ActionKind>(fiche: Fiche, kind: K, input: ActionInput<K>): Promise<FicheState> {
  return takeStep(fiche.handle, kind, input);
}

/** Expects the validator to refuse the update with `code`: nothing enters the history. */
async function refused<K extends ActionKind>(
  fiche: Fiche,
  kind: K,
  input: ActionInput<K>,
  code: string,
): Promise<void> {
  const error = await act(fiche, kind, input).then(
    () => null,
    (e: unknown) => e,
  );
  const type =
    error instanceof WorkflowUpdateFailedError ? (error.cause as { type?: string } | undefined)?.type : undefined;
  if (type !== code)
    throw new Error(`${kind} should have been refused with ${code} by the validator, got ${String(error)}`);
}

/** Schedules a meeting of `kind`, waits until the fiche is on its agenda, then until it starts. */
async function holdMeeting(fiche: Fiche, kind: InstanceKind, beforeStart?: () => Promise<void>): Promise<void> {
  const { prisma } = fiche.ctx;
  const instance = await prisma.instance.findFirstOrThrow({ where: { conventionId: fiche.conventionId, kind } });
  const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
  const meeting = await prisma.meeting.create({
    data: {
      conventionId: fiche.conventionId,
      instanceId: instance.id,
      title: `${instance.name} (${fiche.ctx.workflowId})`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      status: 'planifiee',
      icalUid: `${fiche.ctx.workflowId}-${kind}-${startsAt.getTime()}@concerto.test`,
    },
  });
  await fiche.handle.signal(meetingScheduledSignal, { instanceKind: kind });
  await waitFor(
    async () => ((await fiche.handle.query(ficheStateQuery)).agenda?.meetingId === meeting.id ? true : undefined),
    `the agenda of ${meeting.title}`,
  );
  await beforeStart?.();
  await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 300);
}

/** A two-hour COTECH scheduled by the coopérateur, as the API does, under the scenario's workflow id. */
async function scheduleCotech(
  ctx: ScenarioContext,
  conventionId: string,
  people: DemoPeople,
  title: string,
  startsAt: Date,
) {
  const meeting = await scheduleMeeting(
    { ...ctx, store: createStore(ctx.prisma) },
    conventionId,
    {
      instance: 'cotech',
      title,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 7_200_000).toISOString(),
    },
    people.cooperateur,
    { timing: { agendaQuietMs: 500, agendaUpdateQuietMs: 500 }, workflowId: ctx.workflowId },
  );
  return { meeting, handle: ctx.client.workflow.getHandle(meeting.workflowId) };
}

/** A member declines by their invitation link: recorded, then told to the meeting as client/signal-rsvp.ts does. */
async function declineByLink(ctx: ScenarioContext, handle: WorkflowHandle, meetingId: string, email: string) {
  const declined = await createStore(ctx.prisma).meetings.recordRsvp({
    meeting: { id: meetingId },
    email,
    partstat: 'DECLINED',
    source: 'link',
    at: new Date(),
  });
  const { partstat, source, at } = declined;
  await handle.signal(rsvpSignal, { email: declined.email, partstat, source, at: at.toISOString() });
}

/** Submission to validation by the Bureau: three meetings. */
async function validate(fiche: Fiche): Promise<void> {
  await driveToValidation(
    { act: (kind, input) => act(fiche, kind, input), holdMeeting: (kind) => holdMeeting(fiche, kind) },
    fiche.people,
  );
}

/** Submitted, avis favorable of the COTECH, the CAF's and the MSA's opinions at once, then the COPIL's meeting. */
async function toCopil(fiche: Fiche): Promise<void> {
  const { people } = fiche;
  await act(fiche, 'submit', { actor: people.cooperateur });
  await holdMeeting(fiche, 'cotech');
  await act(fiche, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });
  await act(fiche, 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
  await act(fiche, 'recordPartnerOpinion', { actor: people.msa, partner: 'msa', opinion: 'favorable' });
  await holdMeeting(fiche, 'copil');
}

async function finish(fiche: Fiche): Promise<string> {
  await fiche.handle.result();
  return fiche.handle.workflowId;
}

/**
 * Every scenario whose history is committed under test/fixtures/histories/<name>.json.
 * When the workflows change, this is the file to edit, then `npm run histories:record`.
 */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'validated-and-amended': async (ctx) => {
    const fiche = await startFiche(ctx, 'validated-and-amended');
    await validate(fiche);
    await act(fiche, 'recordEvaluation', {
      actor: fiche.people.cooperateur,
      year: new Date().getUTCFullYear(),
      summary: 'Douze familles accueillies.',
    });
    await act(fiche, 'requestAmendment', { actor: fiche.people.cooperateur, summary: 'Étendre au Cellois' });
    await validate(fiche);
    await act(fiche, 'close', { actor: fiche.people.cooperateur, reason: 'Action terminée' });
    return finish(fiche);
  },

  'a-retravailler': async (ctx) => {
    const fiche = await startFiche(ctx, 'a-retravailler');
    const { people } = fiche;
    await act(fiche, 'submit', { actor: people.cooperateur });
    await holdMeeting(fiche, 'cotech');
    await act(fiche, 'recordAvis', {
      actor: people.secretaire,
      outcome: 'a_retravailler',
      comment: 'Préciser le public visé.',
    });
    await act(fiche, 'submit', { actor: people.cooperateur });
    await holdMeeting(fiche, 'cotech');
    await act(fiche, 'recordAvis', {
      actor: people.secretaire,
      outcome: 'defavorable',
      comment: 'Doublon avec une autre fiche.',
    });
    await act(fiche, 'withdraw', { actor: people.cooperateur, reason: 'Reprise dans une autre fiche' });
    return finish(fiche);
  },

  // The same run once the workflow hands sendNotification the notice's facts (worded by the activity
  // through documents/mail/notices/) instead of its subject and text: payloads changed, commands did not.
  'a-retravailler-notices-as-facts': (ctx) => SCENARIOS['a-retravailler']!(ctx),

  'ajournee-then-rejetee': async (ctx) => {
    const fiche = await startFiche(ctx, 'ajournee-then-rejetee');
    const { people } = fiche;
    await toCopil(fiche);
    await act(fiche, 'recordCopilDecision', {
      actor: people.secretaire,
      outcome: 'ajournee',
      comment: 'Attendre le budget.',
    });
    await holdMeeting(fiche, 'copil');
    await act(fiche, 'recordCopilDecision', {
      actor: people.secretaire,
      outcome: 'rejetee',
      comment: 'Hors des objectifs de la CTG.',
    });
    return finish(fiche);
  },

  'meeting-rescheduled-then-cancelled': async (ctx) => {
    // A fiche waits for the COTECH under its own id; the history recorded is the meeting's.
    const fiche = await startFiche({ ...ctx, workflowId: `${ctx.workflowId}-fiche` }, 'meeting-fiche');
    const { people } = fiche;
    await act(fiche, 'submit', { actor: people.cooperateur });
    const day = 86_400_000;
    // Working days: a weekend or a public holiday would be refused (domain/convocation-date.ts).
    const startsAt = atLocalTime(nextOpenDay(shiftDate(toLocal(new Date(), 'Europe/Paris'), 10), null).date, 14);
    const { meeting, handle } = await scheduleCotech(ctx, fiche.conventionId, people, 'COTECH (replay)', startsAt);
    await waitFor(
      async () => ((await handle.query(meetingStateQuery)).status === 'convoquee' ? true : undefined),
      'the convocation',
    );
    const tooSoon = new Date(Date.now() + day);
    const error = await handle
      .executeUpdate(rescheduleUpdate, {
        args: [
          {
            actor: people.secretaire,
            startsAt: tooSoon.toISOString(),
            endsAt: new Date(tooSoon.getTime() + 3_600_000).toISOString(),
          },
        ],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    if (!(error instanceof WorkflowUpdateFailedError))
      throw new Error(`a reschedule 1 day ahead should have been refused, got ${String(error)}`);
    const later = atLocalTime(nextOpenDay(shiftDate(toLocal(startsAt, 'Europe/Paris'), 7), null).date, 14);
    await handle.executeUpdate(rescheduleUpdate, {
      args: [
        {
          actor: people.secretaire,
          startsAt: later.toISOString(),
          endsAt: new Date(later.getTime() + 7_200_000).toISOString(),
        },
      ],
    });
    await waitFor(
      async () =>
        (await fiche.handle.query(ficheStateQuery)).agenda?.startsAt === later.toISOString() ? true : undefined,
      'the fiche to follow',
    );
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: people.secretaire, reason: 'Fin du scénario' }] });
    await handle.result();
    await act(fiche, 'withdraw', { actor: people.cooperateur, reason: 'Fin du scénario' });
    await finish(fiche);
    return meeting.workflowId;
  },

  'meeting-answers-asked-again': async (ctx) => {
    // Since patched('reminders-on-working-days'): a Monday COTECH, whose J-1 reminder moves to the
    // Friday; a member declines; the meeting moves to a Saturday by an override, which asks every
    // member again; then it is cancelled.
    const { conventionId, people } = await demo(ctx);
    let day = nextOpenDay(shiftDate(toLocal(new Date(), 'Europe/Paris'), 9), null).date;
    while (weekdayOf(day) !== 1) day = nextOpenDay(shiftDate(day, 1), null).date;
    const startsAt = atLocalTime(day, 14);
    const { meeting, handle } = await scheduleCotech(ctx, conventionId, people, 'COTECH du lundi (replay)', startsAt);
    await waitFor(
      async () => ((await handle.query(meetingStateQuery)).nextReminder !== null ? true : undefined),
      'the convocation and the first reminder set',
    );
    await declineByLink(ctx, handle, meeting.meetingId, people.secretaire.email);
    await waitFor(
      async () => (Object.keys((await handle.query(meetingStateQuery)).rsvp).length > 0 ? true : undefined),
      'the answer',
    );
    const saturday = shiftDate(day, 5);
    const moved = atLocalTime(saturday, 10);
    await handle.executeUpdate(rescheduleUpdate, {
      args: [
        {
          actor: people.secretaire,
          startsAt: moved.toISOString(),
          endsAt: new Date(moved.getTime() + 7_200_000).toISOString(),
          override: { reason: 'Séance extraordinaire' },
        },
      ],
    });
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: people.secretaire, reason: 'Fin du scénario' }] });
    await handle.result();
    return meeting.workflowId;
  },

  // Since patched('caldav-push'): the same run, each version of the meeting (convocation, new date,
  // cancellation) also pushed to the linked CalDAV calendars beside the mails (none linked here).
  'meeting-calendar-pushes': (ctx) => SCENARIOS['meeting-rescheduled-then-cancelled']!(ctx),

  'meeting-minutes-mailed': async (ctx) => {
    // Since patched('minutes-mailed'): a COTECH held at once (a dérogation), its attendance and
    // relevé, then its compte rendu filed, which goes to the members; the workflow then ends.
    const { conventionId, people } = await demo(ctx);
    const startsAt = new Date(Date.now() + MEETING_LEAD_MS);
    const meeting = await scheduleMeeting(
      { ...ctx, store: createStore(ctx.prisma) },
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH du compte rendu (replay)',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        override: { reason: 'Séance immédiate du scénario' },
        agenda: [{ title: 'Point libre', note: 'Une note' }],
      },
      people.cooperateur,
      { timing: { agendaQuietMs: 300, agendaUpdateQuietMs: 300 }, workflowId: ctx.workflowId },
    );
    const handle = ctx.client.workflow.getHandle(meeting.workflowId);
    await sleep(Math.max(0, startsAt.getTime() - Date.now()) + 300);
    await waitFor(
      async () => ((await handle.query(meetingStateQuery)).status === 'convoquee' ? true : undefined),
      'the convocation',
    );
    const actor = people.secretaire;
    await handle.executeUpdate(recordAttendanceUpdate, {
      args: [{ actor, present: [actor.email], excused: [], proxies: [] }],
    });
    await handle.executeUpdate(sendDecisionSummaryUpdate, { args: [{ actor }] });
    await createStore(ctx.prisma).meetings.saveMinutesFile({
      meetingId: meeting.meetingId,
      filename: 'compte-rendu.pdf',
      content: Buffer.from('%PDF-1.4\n%%EOF\n'),
      uploadedBy: actor.email,
      uploadedAt: new Date(),
    });
    await handle.executeUpdate(fileMinutesUpdate, { args: [{ actor, ref: 'compte-rendu.pdf' }] });
    await handle.result();
    return meeting.workflowId;
  },

  'date-poll-tie-broken': async (ctx) => {
    // Two dates starting the same morning get the same answers, a full date is refused; the
    // organiser closes early and chooses; the meeting's workflow is left to run as a child.
    const { conventionId, people } = await demo(ctx);
    const today = toLocal(new Date(), 'Europe/Paris');
    const deadlineDay = nextOpenDay(shiftDate(today, 5), null).date;
    const day = nextOpenDay(shiftDate(deadlineDay, 10), null).date;
    const poll = await startPoll(
      { ...ctx, store: createStore(ctx.prisma) },
      conventionId,
      {
        instance: 'cotech',
        title: 'COTECH (replay du sondage)',
        deadline: new Date(Date.UTC(deadlineDay.year, deadlineDay.month - 1, deadlineDay.day, 11)).toISOString(),
        options: [
          { kind: 'journee', date: dateKey(day) },
          { kind: 'creneau', date: dateKey(day), start: '09:00', end: '11:00', capacity: 1 },
          { kind: 'journee', date: dateKey(nextOpenDay(shiftDate(day, 1), null).date) },
        ],
        participants: [people.secretaire.email, people.membre.email],
      },
      people.cooperateur,
      { workflowId: ctx.workflowId, timing: { meetingTiming: { agendaQuietMs: 500 } } },
    );
    const handle = ctx.client.workflow.getHandle(poll.workflowId);
    const [a, b, c] = poll.options.map((o) => o.id) as [string, string, string];
    await handle.executeUpdate(voteUpdate, {
      args: [{ email: people.secretaire.email, answers: { [a]: 'oui', [b]: 'oui', [c]: 'non' }, signUps: [b] }],
    });
    const full = await handle
      .executeUpdate(voteUpdate, {
        args: [{ email: people.membre.email, answers: { [a]: 'oui', [b]: 'oui', [c]: 'si_necessaire' }, signUps: [b] }],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    if (!(full instanceof WorkflowUpdateFailedError))
      throw new Error(`a sign-up on a full date should have been refused, got ${String(full)}`);
    await handle.executeUpdate(voteUpdate, {
      args: [{ email: people.membre.email, answers: { [a]: 'oui', [b]: 'oui', [c]: 'si_necessaire' }, signUps: [] }],
    });
    await handle.executeUpdate(closePollUpdate, { args: [{ actor: people.cooperateur }] });
    await handle.executeUpdate(chooseAmongTiedUpdate, { args: [{ actor: people.cooperateur, optionId: b }] });
    await handle.result();
    return poll.workflowId;
  },

  'convention-campaign-prolonged': async (ctx) => {
    // The yearly campaign opens at once (its day is today), two pilots are asked, one answers;
    // a prolongation is refused to a member, then signed. Left waiting for the first reminder.
    const { conventionId, people } = await demo(ctx);
    const today = toLocal(new Date(), 'Europe/Paris');
    const pilots = await ctx.prisma.person.findMany({
      where: { email: { in: [people.secretaire.email, people.membre.email] } },
    });
    const fiches = await Promise.all(
      pilots.map((pilot, i) =>
        ctx.prisma.ficheAction.create({
          data: {
            conventionId,
            code: `FA-REPLAY-0${i + 1}`,
            status: 'en_oeuvre',
            authorEmail: people.cooperateur.email,
            versions: {
              create: {
                version: 1,
                title: `Action du scénario ${i + 1}`,
                piloteId: pilot.id,
                state: 'en_vigueur',
                createdBy: people.cooperateur.email,
              },
            },
          },
        }),
      ),
    );
    const handle = await ctx.client.workflow.start(conventionCycleWorkflow, {
      taskQueue: ctx.taskQueue,
      workflowId: ctx.workflowId,
      args: [{ conventionId, year: today.year, timing: { opensOn: { month: today.month, day: today.day }, hour: 0 } }],
    });
    const opened = () =>
      handle.query(conventionCycleStateQuery).then((state) => state.campaigns.find((c) => c.status === 'ouverte'));
    // Each step once the workflow sleeps again with its mails sent, so every recording has one shape.
    const settled = (keys: string, count: number, what: string) =>
      waitFor(
        async () =>
          (await ctx.prisma.notification.count({ where: { idempotencyKey: { startsWith: keys }, status: 'sent' } })) ===
            count && ((await handle.describe()).raw.pendingActivities?.length ?? 0) === 0
            ? true
            : undefined,
        what,
      );
    await waitFor(async () => ((await opened())?.pending.length === 2 ? true : undefined), 'the campaign to open');
    await settled(`${ctx.workflowId}:annuelle-${today.year - 1}:ouverture:`, 2, 'the invitations');
    const answered = fiches[0]!;
    await ctx.prisma.ficheEvaluation.create({
      data: {
        ficheId: answered.id,
        year: today.year - 1,
        version: 1,
        summary: 'Bilan du scénario.',
        recordedBy: people.cooperateur.email,
        recordedAt: new Date(),
      },
    });
    await handle.signal(evaluationRecordedSignal, { ficheId: answered.id, year: today.year - 1 });
    await waitFor(async () => ((await opened())?.answered.length === 1 ? true : undefined), 'the answer');
    const endDate = (await ctx.prisma.convention.findUniqueOrThrow({ where: { id: conventionId } })).endDate;
    const newEndDate = `${endDate.getUTCFullYear() + 1}-12-31`;
    const byMember = await handle
      .executeUpdate(prolongUpdate, { args: [{ actor: people.membre, newEndDate, motif: 'Scénario' }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    if (!(byMember instanceof WorkflowUpdateFailedError))
      throw new Error(`a prolongation by a member should have been refused, got ${String(byMember)}`);
    await handle.executeUpdate(prolongUpdate, {
      args: [{ actor: people.cooperateur, newEndDate, motif: 'Scénario de prolongation' }],
    });
    // Since patched('avenant-signature-path') the avenant is a project until the three parties sign it.
    const signing = await loadSignature(ctx.prisma, conventionId);
    const avenant = signing.amendments.find((a) => a.status === 'projet');
    if (avenant) {
      const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      for (const step of ['validation', 'signature'] as const)
        for (const party of SIGNATORY_PARTIES)
          await recordSignatureStep(ctx.prisma, {
            conventionId,
            version: avenant.number,
            step,
            party,
            date: day,
            reference: step === 'validation' ? `DEL-${party}` : null,
            meetingId: null,
            actorEmail: people.cooperateur.email,
            at: new Date(),
          });
      await handle.signal(amendmentSignedSignal, { number: avenant.number });
    }
    // The COPIL and the coordinators (the COTECH's chargés de coopération) are told.
    const told = await ctx.prisma.membership.findMany({
      where: {
        instance: { conventionId },
        OR: [{ instance: { kind: 'copil' } }, { instance: { kind: 'cotech' }, role: 'charge_cooperation' }],
      },
      select: { person: { select: { email: true } } },
    });
    await settled(
      `${ctx.workflowId}:avenant-1:`,
      new Set(told.map((m) => m.person.email.toLowerCase())).size,
      'the amendment notices',
    );
    return ctx.workflowId;
  },

  'refusals-then-favorable': async (ctx) => {
    const fiche = await startFiche(ctx, 'refusals-then-favorable');
    const { people } = fiche;
    await refused(fiche, 'submit', { actor: people.membre }, 'ROLE_NOT_ALLOWED');
    await act(fiche, 'submit', { actor: people.cooperateur });
    await refused(fiche, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' }, 'WRONG_STAGE');
    await holdMeeting(fiche, 'cotech', () =>
      refused(fiche, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' }, 'WRONG_STAGE'),
    );
    await refused(fiche, 'recordAvis', { actor: people.caf, outcome: 'favorable' }, 'ROLE_NOT_ALLOWED');
    await act(fiche, 'recordAvis', { actor: people.secretaire, outcome: 'favorable', comment: 'Bien construite.' });
    await refused(
      fiche,
      'recordCopilDecision',
      { actor: people.secretaire, outcome: 'adoptee' },
      'PARTNER_OPINIONS_MISSING',
    );
    await act(fiche, 'withdraw', { actor: people.cooperateur, reason: 'Fin du scénario' });
    return finish(fiche);
  },

  'partner-opinions-asked': async (ctx) => {
    // Since patched('ask-partner-opinions'): once the COTECH's avis is favorable, each referent of the
    // CAF and of the MSA is mailed a link; both answer before the week is out, so the reminder's
    // timer is cancelled; the COPIL rejects the fiche.
    const fiche = await startFiche(ctx, 'partner-opinions-asked');
    const { people } = fiche;
    await act(fiche, 'submit', { actor: people.cooperateur });
    await holdMeeting(fiche, 'cotech');
    await act(fiche, 'recordAvis', { actor: people.secretaire, outcome: 'favorable' });
    const referents = await ctx.prisma.person.count({
      where: {
        structure: { kind: { in: ['caf', 'msa'] } },
        memberships: { some: { instance: { conventionId: fiche.conventionId } } },
      },
    });
    // The requests out before the answers, so each recording has the same shape.
    await waitFor(async () => {
      const sent = await ctx.prisma.notification.count({
        where: { idempotencyKey: { startsWith: `${ctx.workflowId}:avis-` }, status: 'sent' },
      });
      return sent === referents ? true : undefined;
    }, 'the requests for the partners’ opinions');
    await act(fiche, 'recordPartnerOpinion', { actor: people.caf, partner: 'caf', opinion: 'favorable' });
    await act(fiche, 'recordPartnerOpinion', {
      actor: people.msa,
      partner: 'msa',
      opinion: 'reserve',
      comment: 'Préciser les financeurs.',
    });
    await holdMeeting(fiche, 'copil');
    await act(fiche, 'recordCopilDecision', {
      actor: people.secretaire,
      outcome: 'rejetee',
      comment: 'Hors des objectifs de la CTG.',
    });
    return finish(fiche);
  },

  'plan-actions-sent-back-then-presented': async (ctx) => {
    // A plan d'actions: a step refused to a member; the élaboration closed, the Bureau sends the plan
    // back, then validates it; presented to the conseil, the run ends.
    const { conventionId, people } = await demo(ctx);
    const store = createStore(ctx.prisma);
    const bureau = await resolveActor(ctx.prisma, conventionId, 'secretariat.assemblees@example.org', 'membre');
    const plan = await store.plans.open({
      conventionId,
      startYear: 2023,
      endYear: 2027,
      workflowIdOf: () => ctx.workflowId,
    });
    const handle = await ctx.client.workflow.start(planActionsWorkflow, {
      taskQueue: ctx.taskQueue,
      workflowId: ctx.workflowId,
      args: [{ planId: plan.id, conventionId }],
    });
    await waitFor(async () => ((await handle.query(planActionsStateQuery)).period ? true : undefined), 'the plan read');
    const step = (input: AdvancePlanInput) => handle.executeUpdate(advancePlanUpdate, { args: [input] });
    await step({ kind: 'finishElaboration', actor: people.membre }).catch((error: unknown) => {
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    });
    await step({ kind: 'finishElaboration', actor: people.cooperateur });
    await step({ kind: 'submitToBureau', actor: people.cooperateur });
    await step({ kind: 'recordBureauDecision', actor: bureau, outcome: 'a_reprendre', comment: 'Chiffrer E2.' });
    await step({ kind: 'submitToBureau', actor: people.cooperateur });
    await step({ kind: 'recordBureauDecision', actor: bureau, outcome: 'valide' });
    await step({ kind: 'recordPresentation', actor: bureau });
    await handle.result();
    return ctx.workflowId;
  },

  // The same runs since patched('notices-batched'): a notice to N people is one activity (the fiche's notices of a
  // step together, the partners' requests together, a meeting's and a poll's mail to its people, a convention's
  // notice), each recipient on their own ledger line.
  'validated-and-amended-notices-batched': (ctx) => SCENARIOS['validated-and-amended']!(ctx),
  'partner-opinions-notices-batched': (ctx) => SCENARIOS['partner-opinions-asked']!(ctx),
  'meeting-minutes-notices-batched': (ctx) => SCENARIOS['meeting-minutes-mailed']!(ctx),
  'date-poll-notices-batched': (ctx) => SCENARIOS['date-poll-tie-broken']!(ctx),
  'convention-campaign-notices-batched': (ctx) => SCENARIOS['convention-campaign-prolonged']!(ctx),
  // Since patched('avenant-signature-path') and patched('term-reminders'): the prolongation signed by all three.
  'convention-avenant-signed': (ctx) => SCENARIOS['convention-campaign-prolonged']!(ctx),
  // Since patched('avenant-proposed-notice'): the coordinators are told of the prolongation once proposed.
  'convention-avenant-proposed-notice': (ctx) => SCENARIOS['convention-campaign-prolonged']!(ctx),
  'notices-coalesced': async (ctx) => {
    // Since patched('notices-coalesced'): the CAF and the MSA answer while the COTECH's avis is still being mailed
    // to its 40 people, so both opinions are told in one activity after it; the COPIL rejects the fiche.
    const fiche = await startFiche(ctx, 'notices-coalesced');
    const { people } = fiche;
    await toCopil(fiche);
    await act(fiche, 'recordCopilDecision', {
      actor: people.secretaire,
      outcome: 'rejetee',
      comment: 'Hors des objectifs de la CTG.',
    });
    const id = await finish(fiche);
    // A recording where the avis was out before the answers would not show what this scenario is for.
    const sendings = ((await fiche.handle.fetchHistory()).events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name !== 'sendFicheNotices') return [];
      const [payload] = a.input?.payloads ?? [];
      return [(JSON.parse(Buffer.from(payload!.data!).toString()) as { sendings: unknown[] }).sendings.length];
    });
    if (!sendings.some((count) => count > 1)) throw new Error('the opinions were not told together: record again');
    return id;
  },
  'meeting-suppleant-invited': async (ctx) => {
    // Since patched('suppleant-invited'): a COTECH titulaire declines; their suppléant is convened
    // (an activity, a REQUEST to them) and they are offered a pouvoir; then the meeting is cancelled.
    const { conventionId, people } = await demo(ctx);
    const cotech = await ctx.prisma.instance.findFirstOrThrow({ where: { conventionId, slug: 'cotech' } });
    const titulaire = await ctx.prisma.membership.findFirstOrThrow({
      where: { instanceId: cotech.id, structureId: { not: null }, role: { notIn: ['secretaire', 'president'] } },
      include: { person: true },
      orderBy: { person: { email: 'asc' } },
    });
    const suppleant = await ctx.prisma.person.upsert({
      where: { email: 'suppleant.replay@example.org' },
      create: { email: 'suppleant.replay@example.org', displayName: 'Suppléant du scénario' },
      update: {},
    });
    await ctx.prisma.membership.upsert({
      where: { instanceId_personId: { instanceId: cotech.id, personId: suppleant.id } },
      create: {
        instanceId: cotech.id,
        personId: suppleant.id,
        structureId: titulaire.structureId,
        role: 'membre',
        seat: 'suppleant',
      },
      update: {},
    });
    const startsAt = atLocalTime(nextOpenDay(shiftDate(toLocal(new Date(), 'Europe/Paris'), 20), null).date, 14);
    const { meeting, handle } = await scheduleCotech(ctx, conventionId, people, 'COTECH suppléé (replay)', startsAt);
    await waitFor(
      async () => ((await handle.query(meetingStateQuery)).status === 'convoquee' ? true : undefined),
      'the convocation',
    );
    await declineByLink(ctx, handle, meeting.meetingId, titulaire.person.email);
    await waitFor(
      async () => (Object.keys((await handle.query(meetingStateQuery)).suppleants).length > 0 ? true : undefined),
      'the suppléant convened',
    );
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: people.secretaire, reason: 'Fin du scénario' }] });
    await handle.result();
    return meeting.workflowId;
  },
};
